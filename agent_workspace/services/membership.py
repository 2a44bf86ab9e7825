"""Who is in an interaction's live group now: the one query (`current`), asked by the access
rule, the live group's actions and the lists alike."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from agent_workspace.models import LiveGroupMember


def current(
    *, interaction_ids: Iterable[int] | None = None, agent_id: int | None = None
) -> SelectOfScalar[LiveGroupMember]:
    """Current membership rows, optionally of some interactions and/or one agent."""
    query = select(LiveGroupMember).where(col(LiveGroupMember.left_at).is_(None))
    if interaction_ids is not None:
        query = query.where(col(LiveGroupMember.interaction_id).in_(list(interaction_ids)))
    if agent_id is not None:
        query = query.where(LiveGroupMember.agent_id == agent_id)
    return query.order_by(col(LiveGroupMember.joined_at), col(LiveGroupMember.id))


def is_member(session: Session, interaction_id: int, agent_id: int) -> bool:
    found = session.exec(current(interaction_ids=[interaction_id], agent_id=agent_id)).first()
    return found is not None
