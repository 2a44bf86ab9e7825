"""Interactions as lists show them: rows, an agent's list, and whose lists show one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.models import (
    ACTIVE_STATES,
    Direction,
    Interaction,
    InteractionLabel,
    InteractionState,
    Label,
    LiveGroupMember,
    Message,
    MessageStatus,
    Role,
    User,
    utcnow,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.labels import LabelView, view
from agent_workspace.services.membership import interaction_ids_of
from agent_workspace.services.people.directory import get_people, person_ref
from agent_workspace.services.sla.clocks import SlaPlan, plans_of

VIRTUAL_AGENT_NAME = "Virtual Agent"


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
    virtual_agent: bool = False
    preview: str = ""  # first line of the last message
    last_message_at: datetime | None = None
    last_message_inbound: bool = False
    awaiting_reply_since: datetime | None = None
    unread: int = 0  # inbound messages since the reading agent last looked
    short_description: str = ""  # what it is about: a row with no message yet says this
    last_outbound_failed: bool = False  # our latest text failed or was undelivered
    scheduled: bool = False  # a message waits to go at a later time (issue 26 item 3)
    snoozed: bool = False  # out of My Interactions until its alarm or a reply (issue 27 item 4)
    snoozed_until: datetime | None = None  # None while snoozed: until the consumer replies
    labels: tuple[LabelView, ...] = ()  # its labels, by name (issue 27 item 5)
    sla: SlaPlan | None = None  # its nearest running SLA clock (issue 27 item 8)

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
    failing = _last_outbound_failed(session, [i.id for i in interactions if i.id is not None])
    scheduled = _with_scheduled(session, [i.id for i in interactions if i.id is not None])
    labels = labels_of(session, [i.id for i in interactions if i.id is not None])
    label_names = {i: tuple(x.name for x in carried) for i, carried in labels.items()}
    plans = plans_of(session, interactions, utcnow(), label_names)
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
                virtual_agent=interaction.virtual_agent,
                preview=interaction.last_message_preview,
                last_message_at=interaction.last_message_at,
                last_message_inbound=interaction.last_message_inbound,
                awaiting_reply_since=interaction.awaiting_reply_since,
                short_description=interaction.short_description,
                last_outbound_failed=interaction.id in failing,
                scheduled=interaction.id in scheduled,
                snoozed=interaction.snoozed_at is not None,
                snoozed_until=interaction.snoozed_until,
                labels=labels.get(interaction.id, ()),
                sla=plans.get(interaction.id),
            )
        )
    return rows


def _last_outbound_failed(session: Session, ids: list[int]) -> set[int]:
    """Which of these interactions' latest outbound message failed (each read from the end of
    its (interaction, time) index: the cost does not grow with the conversation)."""
    if not ids:
        return set()
    last_status = (
        select(Message.status)
        .where(Message.interaction_id == Interaction.id, Message.direction == Direction.OUTBOUND)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    failed = [MessageStatus.FAILED, MessageStatus.UNDELIVERED]
    found = session.exec(
        select(Interaction.id).where(col(Interaction.id).in_(ids), last_status.in_(failed))
    )
    return {i for i in found.all() if i is not None}


def _with_scheduled(session: Session, ids: list[int]) -> set[int]:
    """Which of these interactions have a message scheduled to go later (one query)."""
    if not ids:
        return set()
    found = session.exec(
        select(Message.interaction_id)
        .where(col(Message.interaction_id).in_(ids), Message.status == MessageStatus.SCHEDULED)
        .distinct()
    )
    return set(found.all())


def labels_of(session: Session, interaction_ids: Sequence[int]) -> dict[int, tuple[LabelView, ...]]:
    """Each interaction's labels by name, in one read."""
    if not interaction_ids:
        return {}
    found = session.exec(
        select(InteractionLabel.interaction_id, Label)
        .join(Label, col(Label.id) == InteractionLabel.label_id)
        .where(col(InteractionLabel.interaction_id).in_(list(interaction_ids)))
        .order_by(col(Label.name_key))
    ).all()
    result: dict[int, list[LabelView]] = {}
    for interaction_id, label in found:
        result.setdefault(interaction_id, []).append(view(label))
    return {i: tuple(labels) for i, labels in result.items()}


def list_my_interactions(
    *, actor: Actor | None, include_closed: bool = False, engine: Engine | None = None
) -> list[InteractionRow]:
    """Interactions assigned to the agent or where they are in the live group, newest first;
    a snoozed one is not listed until it wakes."""
    agent = require_role(actor, Role.AGENT)
    return agent_interactions(agent.user_id, include_closed=include_closed, engine=engine)


def agent_interactions(
    agent_id: int, *, include_closed: bool = False, engine: Engine | None = None
) -> list[InteractionRow]:
    """Unchecked read for callers that already know the agent (the live notifier)."""
    with reading(engine) as session:
        mine = interaction_ids_of(agent_id, open_only=not include_closed)
        query = select(Interaction).where(
            col(Interaction.id).in_(mine), col(Interaction.snoozed_at).is_(None)
        )
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
