"""An interaction's life: opened, joined, closed; the one place that changes these."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.previews import preview_line
from agent_workspace.domain.routing import PersonRef
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    InteractionState,
    InteractionType,
    LiveGroupReason,
    Message,
    Role,
    utcnow,
)
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services import events
from agent_workspace.services.access import (
    Actor,
    access_interaction,
    require_active,
    require_role,
)
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.interactions.assignment import hand_out_waiting
from agent_workspace.services.interactions.lists import InteractionRow, row_view, watcher_ids
from agent_workspace.services.interactions.live_group import end_live_group, join_live_group
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.interactions.numbering import next_number
from agent_workspace.services.people.directory import get_person, person_ids
from agent_workspace.services.sla.clocks import keep_due

# Messaging interactions come from Send and inbound texts (keyed by phone); New makes the others.
NEW_TYPES = (InteractionType.PHONE, InteractionType.CHAT, InteractionType.EMAIL)


def open_interaction(
    *,
    session: Session,
    actor: Actor | str | None,
    type: InteractionType,
    person: PersonRef | None,
    assign_to: int | None,
    virtual_agent: bool = False,
    channel_id: int | None = None,
    phone: str | None = None,
    profile_id: int | None = None,
    short_description: str = "",
    state: InteractionState = InteractionState.NEW,
    join_reason: LiveGroupReason = LiveGroupReason.ASSIGNED,
) -> Interaction:
    """Creates an interaction in the caller's transaction; its assignee joins the live group."""
    consumer_id, contact_id = person_ids(person)
    interaction = Interaction(
        number=next_number(session, "interaction"),
        type=type,
        state=state,
        channel_id=channel_id,
        phone=phone,
        profile_id=profile_id,
        assigned_agent_id=assign_to,
        virtual_agent=virtual_agent,
        short_description=short_description,
        consumer_id=consumer_id,
        contact_id=contact_id,
    )
    save_and_record(
        session=session,
        actor=actor,
        action=AuditAction.INTERACTION_OPENED,
        entity=interaction,
        detail={"number": interaction.number, "type": type.value, "virtual_agent": virtual_agent},
    )
    if assign_to is not None:
        join_live_group(
            session=session,
            actor=actor,
            interaction=interaction,
            agent_id=assign_to,
            reason=join_reason,
        )
    return interaction


def note_last_message(
    interaction: Interaction, *, body: str, attachments: int, inbound: bool, at: datetime
) -> None:
    """Keeps the list row true (last message, who waits for whom) with each message stored,
    so lists and boards never read the message table. `note_inbound_message` below is the
    same rule for an inbound message, in SQL: keep the two together."""
    interaction.last_message_at = at
    interaction.last_message_preview = preview_line(body, attachments)
    interaction.last_message_inbound = inbound
    if inbound:
        interaction.awaiting_reply_since = interaction.awaiting_reply_since or at
    else:
        interaction.awaiting_reply_since = None
    interaction.updated_at = max(interaction.updated_at, at)


_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_at = sa.bindparam("at_", type_=UTCDateTime)
_NOTE_INBOUND = (
    sa.update(_I)
    .where(_I.c.id == sa.bindparam("interaction_id"))
    .values(
        last_message_at=_at,
        last_message_preview=sa.bindparam("preview_"),
        last_message_inbound=True,
        awaiting_reply_since=sa.func.coalesce(_I.c.awaiting_reply_since, _at),
        updated_at=sa.case((_I.c.updated_at < _at, _at), else_=_I.c.updated_at),
        first_inbound_at=sa.func.coalesce(_I.c.first_inbound_at, _at),  # conversation facts
    )
)


def note_inbound_message(
    session: Session, interaction_id: int, *, body: str, attachments: int, at: datetime
) -> None:
    """note_last_message for an inbound message, as one UPDATE built once, for a caller that
    has not loaded the row (routing a text)."""
    preview = preview_line(body, attachments)
    bounds = {"interaction_id": interaction_id, "at_": at, "preview_": preview}
    session.execute(_NOTE_INBOUND, bounds)


# The conversation facts the Reports page reads (models/interaction.py): the consumer's first
# text (`first_inbound_at`, kept by _NOTE_INBOUND above with every inbound message) and the
# first response, the first outbound message written after it that is not the after-hours
# auto-reply (which answers nobody's question). Kept with each message stored, rebuilt from
# the messages by `rebuild_conversation_facts`; the migration that added them backfilled
# them with a copy of that statement (alembic/versions/b7d2f4a9c6e1).
_NOTE_RESPONSE = (
    sa.update(_I)
    .where(
        _I.c.id == sa.bindparam("interaction_id"),
        _I.c.first_inbound_at < _at,
        sa.or_(_I.c.first_response_at.is_(None), _I.c.first_response_at > _at),
    )
    .values(first_response_at=_at)
)


def note_response(session: Session, interaction_id: int, *, at: datetime) -> None:
    """An outbound message written at `at` (by an agent: not the auto-reply) is the
    conversation's first response if it is the first one after the consumer's first text.
    One conditional UPDATE: a text stored beside it in another transaction is seen."""
    session.execute(_NOTE_RESPONSE, {"interaction_id": interaction_id, "at_": at})


_M: sa.Table = Message.__table__  # type: ignore[attr-defined]


def rebuild_conversation_facts(
    connection: sa.Connection, interaction_ids: Collection[int] | None = None
) -> None:
    """Sets the conversation facts of `interaction_ids` (all when None) from their messages,
    for writers that moved messages' times (tests/support/report_fixture.py) or bulk loads."""
    inbound = (
        sa.select(sa.func.min(_M.c.created_at))
        .where(_M.c.interaction_id == _I.c.id, _M.c.direction == "inbound")
        .scalar_subquery()
    )
    response = (
        sa.select(sa.func.min(_M.c.created_at))
        .where(
            _M.c.interaction_id == _I.c.id,
            _M.c.direction == "outbound",
            sa.not_(_M.c.auto_reply),
            _M.c.created_at > _I.c.first_inbound_at,
        )
        .scalar_subquery()
    )
    chosen = [] if interaction_ids is None else [_I.c.id.in_(sorted(interaction_ids))]
    connection.execute(sa.update(_I).where(*chosen).values(first_inbound_at=inbound))
    connection.execute(sa.update(_I).where(*chosen).values(first_response_at=response))


def close_interaction(
    *,
    session: Session,
    actor: Actor | str | None,
    interaction: Interaction,
    state: InteractionState = InteractionState.CLOSED_COMPLETE,
    reason: str,
) -> None:
    """Closes an active interaction and ends its live group; closed ones take no messages."""
    if interaction.state not in ACTIVE_STATES:
        return
    now = utcnow()
    interaction.state = state
    interaction.closed_at = now
    interaction.updated_at = now
    # A closed conversation is snoozed no more: no alarm wakes it, no list hides it.
    interaction.snoozed_at = interaction.snoozed_until = interaction.snoozed_by_id = None
    session.add(interaction)
    assert interaction.id is not None
    end_live_group(session, interaction.id, now)
    session.flush()
    keep_due(session, [interaction.id], now)  # resolved: no clock runs
    record(
        session=session,
        actor=actor,
        action=AuditAction.INTERACTION_CLOSED,
        entity=interaction,
        detail={"number": interaction.number, "state": state.value, "reason": reason},
    )
    if not interaction.virtual_agent and interaction.assigned_agent_id is not None:
        hand_out_waiting(session)  # the assignee has room for one more: the oldest waiting


def create_interaction(
    *,
    actor: Actor | None,
    type: InteractionType,
    person: PersonRef | None,
    short_description: str = "",
    engine: Engine | None = None,
) -> InteractionRow:
    """The "New" button: an interaction assigned to the agent who creates it."""
    agent = require_role(actor, Role.AGENT)
    if type not in NEW_TYPES:
        names = ", ".join(t.value for t in NEW_TYPES)
        raise InvalidInput(f"New interactions are {names}; messaging ones start with Send.")
    with transaction(engine) as session:
        if person is not None and get_person(session, person) is None:
            raise NotFound("That consumer or contact does not exist.")
        interaction = open_interaction(
            session=session,
            actor=agent,
            type=type,
            person=person,
            assign_to=agent.user_id,
            short_description=short_description.strip()[:200],
        )
        return row_view(session, interaction)


CLOSING_STATES = (InteractionState.CLOSED_COMPLETE, InteractionState.CLOSED_ABANDONED)


def close_by_agent(
    *,
    actor: Actor | None,
    interaction_id: int,
    state: InteractionState = InteractionState.CLOSED_COMPLETE,
    engine: Engine | None = None,
) -> str:
    """The assignee, a live-group member or a supervisor closes it; returns its number."""
    if state not in CLOSING_STATES:
        raise InvalidInput("An interaction closes as complete or abandoned.")
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        require_active(interaction, "{number} is already closed.")
        close_for(session, agent, interaction, state, reason="closed by agent")
        return interaction.number


def close_for(
    session: Session, agent: Actor, interaction: Interaction, state: InteractionState, reason: str
) -> None:
    """An agent closes an interaction they may work on (Close, or State in Details): its
    viewers follow, and an assignee who is someone else is told who closed it."""
    assert interaction.id is not None
    affected = watcher_ids(session, interaction.id)
    close_interaction(
        session=session, actor=agent, interaction=interaction, state=state, reason=reason
    )
    holder = interaction.assigned_agent_id
    if holder is not None and holder != agent.user_id:
        notify(
            session,
            agent_id=holder,
            text=f"{agent.display_name} closed your {interaction.number}.",
            interaction_id=interaction.id,
        )
    events.after_commit(session, events.InteractionChanged(interaction.id, frozenset(affected)))
