"""The live group: the agents taking part in an interaction now (the assignee always is).

`services/membership.current()` is the one query for current members; everything that asks
"who is in it" uses it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.access import Need
from agent_workspace.models import Interaction, LiveGroupMember, LiveGroupReason, Role, User, utcnow
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.audit import AuditAction, save_and_record
from agent_workspace.services.membership import current, is_member


def member_ids(session: Session, interaction_id: int) -> frozenset[int]:
    return frozenset(m.agent_id for m in session.exec(current(interaction_ids=[interaction_id])))


def member_names(session: Session, interaction_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """Display names of the current members per interaction, in the order they joined."""
    rows = session.exec(current(interaction_ids=interaction_ids)).all()
    ids = {m.agent_id for m in rows}
    names = (
        {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(ids)))}
        if ids
        else {}
    )
    groups: dict[int, list[str]] = {}
    for member in rows:
        groups.setdefault(member.interaction_id, []).append(names.get(member.agent_id, "?"))
    return {k: tuple(v) for k, v in groups.items()}


def join_live_group(
    *,
    session: Session,
    actor: Actor | str | None,
    interaction: Interaction,
    agent_id: int,
    reason: LiveGroupReason = LiveGroupReason.JOINED,
) -> bool:
    """Adds the agent to the live group unless they are in it; returns whether they joined."""
    assert interaction.id is not None
    if is_member(session, interaction.id, agent_id):
        return False
    member = LiveGroupMember(interaction_id=interaction.id, agent_id=agent_id, join_reason=reason)
    save_and_record(
        session=session,
        actor=actor,
        action=AuditAction.LIVE_GROUP_JOINED,
        entity=member,
        detail={"interaction": interaction.number, "agent_id": agent_id, "reason": reason.value},
    )
    return True


def leave_live_group(
    *,
    session: Session,
    actor: Actor | str | None,
    interaction: Interaction,
    agent_id: int,
    reason: LiveGroupReason = LiveGroupReason.LEFT,
) -> bool:
    """Ends the agent's membership; returns whether they were a member."""
    assert interaction.id is not None
    member = session.exec(current(interaction_ids=[interaction.id], agent_id=agent_id)).first()
    if member is None:
        return False
    member.left_at, member.left_reason = utcnow(), reason
    save_and_record(
        session=session,
        actor=actor,
        action=AuditAction.LIVE_GROUP_LEFT,
        entity=member,
        detail={"interaction": interaction.number, "agent_id": agent_id, "reason": reason.value},
    )
    return True


def end_live_group(session: Session, interaction_id: int, at: datetime) -> None:
    """Everyone leaves: the interaction is closing."""
    for member in session.exec(current(interaction_ids=[interaction_id])).all():
        member.left_at, member.left_reason = at, LiveGroupReason.CLOSED
        session.add(member)


@dataclass(frozen=True)
class MembershipView:
    """One stay in a live group: who, from when to when (None: still in it), and why."""

    agent: str
    joined_at: datetime
    join_reason: str
    left_at: datetime | None
    left_reason: str | None


def history(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> list[MembershipView]:
    """Everyone who was ever in the interaction's live group, in the order they joined.

    Supervisors read it for any interaction; agents too (anyone who can open the interaction).
    """
    supervisor = actor is not None and actor.has(Role.SUPERVISOR)
    with reading(engine) as session:
        access_interaction(
            session, actor, interaction_id, need=Need.SUPERVISE if supervisor else Need.VIEW
        )
        rows = session.exec(
            select(LiveGroupMember)
            .where(LiveGroupMember.interaction_id == interaction_id)
            .order_by(col(LiveGroupMember.joined_at), col(LiveGroupMember.id))
        ).all()
        ids = {m.agent_id for m in rows}
        names = (
            {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(ids)))}
            if ids
            else {}
        )
        return [
            MembershipView(
                agent=names.get(m.agent_id, "?"),
                joined_at=m.joined_at,
                join_reason=m.join_reason.value,
                left_at=m.left_at,
                left_reason=m.left_reason.value if m.left_reason else None,
            )
            for m in rows
        ]
