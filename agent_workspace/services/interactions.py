"""Interactions as agents list, open and create them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.routing import PersonRef
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    InteractionState,
    InteractionType,
    LiveGroupMember,
    Role,
    User,
    utcnow,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import record
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.numbering import next_number
from agent_workspace.services.people import get_people, get_person, person_ids, person_ref

VIRTUAL_AGENT_NAME = "Virtual Agent"
# Messaging interactions come from Send and inbound texts (keyed by phone); New makes the others.
NEW_TYPES = (InteractionType.PHONE, InteractionType.CHAT, InteractionType.EMAIL)


@dataclass(frozen=True)
class InteractionRow:
    """One line of an interaction list."""

    id: int
    number: str
    type: str
    state: str
    person_name: str
    phone: str
    assigned_to: str
    opened_at: datetime
    updated_at: datetime

    @property
    def is_active(self) -> bool:
        return InteractionState(self.state) in ACTIVE_STATES


def row_view(session: Session, interaction: Interaction) -> InteractionRow:
    return rows_view(session, [interaction])[0]


def rows_view(session: Session, interactions: Sequence[Interaction]) -> list[InteractionRow]:
    """List rows with people and assignees fetched in bulk, not once per row."""
    refs = [person_ref(i.consumer_id, i.contact_id) for i in interactions]
    people = get_people(session, [r for r in refs if r is not None])
    agent_ids = {i.assigned_agent_id for i in interactions if i.assigned_agent_id is not None}
    names = (
        {
            u.id: u.display_name
            for u in session.exec(select(User).where(col(User.id).in_(agent_ids))).all()
        }
        if agent_ids
        else {}
    )
    rows = []
    for interaction, ref in zip(interactions, refs, strict=True):
        person = people.get(ref) if ref else None
        if interaction.virtual_agent:
            assigned = VIRTUAL_AGENT_NAME
        else:
            assigned = (
                names.get(interaction.assigned_agent_id, "")
                if interaction.assigned_agent_id
                else ""
            )
        assert interaction.id is not None
        rows.append(
            InteractionRow(
                id=interaction.id,
                number=interaction.number,
                type=interaction.type.value,
                state=interaction.state.value,
                person_name=person.name if person else "",
                phone=interaction.phone or (person.phones[0] if person and person.phones else ""),
                assigned_to=assigned,
                opened_at=interaction.opened_at,
                updated_at=interaction.updated_at,
            )
        )
    return rows


def list_my_interactions(
    *, actor: Actor | None, include_closed: bool = False, engine: Engine | None = None
) -> list[InteractionRow]:
    """Interactions assigned to the agent or where they are in the live group, newest first."""
    agent = require_role(actor, Role.AGENT)
    return agent_interactions(agent.user_id, include_closed=include_closed, engine=engine)


def agent_interactions(
    agent_id: int, *, include_closed: bool = False, engine: Engine | None = None
) -> list[InteractionRow]:
    """Unchecked read for callers that already know the agent (the live notifier)."""
    with reading(engine) as session:
        member_of = select(LiveGroupMember.interaction_id).where(
            LiveGroupMember.agent_id == agent_id, col(LiveGroupMember.left_at).is_(None)
        )
        query = select(Interaction).where(
            or_(Interaction.assigned_agent_id == agent_id, col(Interaction.id).in_(member_of))
        )
        if not include_closed:
            query = query.where(col(Interaction.state).in_(list(ACTIVE_STATES)))
        found = session.exec(query.order_by(col(Interaction.updated_at).desc()).limit(500)).all()
        return rows_view(session, found)


def watchers(interaction_id: int, *, engine: Engine | None = None) -> set[int]:
    """Agents whose lists show the interaction: its assignee and everyone ever in its live group."""
    with reading(engine) as session:
        return watcher_ids(session, interaction_id)


def watcher_ids(session: Session, interaction_id: int) -> set[int]:
    interaction = session.get(Interaction, interaction_id)
    members = session.exec(
        select(LiveGroupMember.agent_id).where(LiveGroupMember.interaction_id == interaction_id)
    ).all()
    assignee = interaction.assigned_agent_id if interaction else None
    return set(members) | ({assignee} if assignee else set())


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
    session.add(interaction)
    session.flush()
    record(
        session=session,
        actor=actor,
        action="interaction.opened",
        entity=interaction,
        detail={"number": interaction.number, "type": type.value, "virtual_agent": virtual_agent},
    )
    if assign_to is not None:
        join_live_group(session=session, actor=actor, interaction=interaction, agent_id=assign_to)
    return interaction


def join_live_group(
    *, session: Session, actor: Actor | str | None, interaction: Interaction, agent_id: int
) -> bool:
    """Adds the agent to the live group unless they are in it; returns whether they joined."""
    existing = session.exec(
        select(LiveGroupMember).where(
            LiveGroupMember.interaction_id == interaction.id,
            LiveGroupMember.agent_id == agent_id,
            col(LiveGroupMember.left_at).is_(None),
        )
    ).first()
    if existing is not None:
        return False
    assert interaction.id is not None
    member = LiveGroupMember(interaction_id=interaction.id, agent_id=agent_id)
    session.add(member)
    session.flush()
    record(
        session=session,
        actor=actor,
        action="live_group.joined",
        entity=member,
        detail={"interaction": interaction.number, "agent_id": agent_id},
    )
    return True


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
    session.add(interaction)
    for member in session.exec(
        select(LiveGroupMember).where(
            LiveGroupMember.interaction_id == interaction.id, col(LiveGroupMember.left_at).is_(None)
        )
    ).all():
        member.left_at = now
        session.add(member)
    session.flush()
    record(
        session=session,
        actor=actor,
        action="interaction.closed",
        entity=interaction,
        detail={"number": interaction.number, "state": state.value, "reason": reason},
    )


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
