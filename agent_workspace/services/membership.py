"""Who takes part in which interaction: the one query for each question, asked by the access
rule, the live group's actions, the lists and the unread counts alike.

- `current`: the live group's members now (an agent who left is no member).
- `interactions_of`: an agent's interactions, open ones unless asked otherwise: those assigned
  to them and those whose live group they are in now.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import SelectOfScalar

from agent_workspace.models import ACTIVE_STATES, Interaction, LiveGroupMember


def current(
    *, interaction_ids: Iterable[int] | None = None, agent_id: int | None = None
) -> SelectOfScalar[LiveGroupMember]:
    """Current membership rows, optionally of some interactions and/or one agent, in the order
    they joined."""
    query = select(LiveGroupMember).where(col(LiveGroupMember.left_at).is_(None))
    if interaction_ids is not None:
        query = query.where(col(LiveGroupMember.interaction_id).in_(list(interaction_ids)))
    if agent_id is not None:
        query = query.where(LiveGroupMember.agent_id == agent_id)
    return query.order_by(col(LiveGroupMember.joined_at), col(LiveGroupMember.id))


def is_member(session: Session, interaction_id: int, agent_id: int) -> bool:
    found = session.exec(current(interaction_ids=[interaction_id], agent_id=agent_id)).first()
    return found is not None


def interactions_of(
    agent_ids: Iterable[int],
    *,
    open_only: bool = True,
    among: Iterable[int] | None = None,
) -> Any:
    """(agent_id, ix) rows: each agent's interactions (assigned to them, or in whose live group
    they are now), open ones only unless `open_only=False`, of `among` only when given.

    A union of two index lookups: the OR of both makes PostgreSQL walk every interaction."""
    agents = sorted(set(agent_ids))
    members = current().order_by(None).subquery()
    assigned: Any = select(
        col(Interaction.assigned_agent_id).label("agent_id"), col(Interaction.id).label("ix")
    ).where(col(Interaction.assigned_agent_id).in_(agents))
    member: Any = (
        select(members.c.agent_id.label("agent_id"), col(Interaction.id).label("ix"))
        .join(Interaction, col(Interaction.id) == members.c.interaction_id)
        .where(members.c.agent_id.in_(agents))
    )
    if open_only:
        active = [s.value for s in ACTIVE_STATES]
        assigned = assigned.where(col(Interaction.state).in_(active))
        member = member.where(col(Interaction.state).in_(active))
    if among is not None:
        wanted = sorted(set(among))
        assigned = assigned.where(col(Interaction.id).in_(wanted))
        member = member.where(col(Interaction.id).in_(wanted))
    return sa.union(assigned, member)


def interaction_ids_of(agent_id: int, *, open_only: bool = True) -> Any:
    """The ids of one agent's interactions (`interactions_of`), for `Interaction.id IN (...)`."""
    union = interactions_of([agent_id], open_only=open_only).subquery()
    return sa.select(union.c.ix)
