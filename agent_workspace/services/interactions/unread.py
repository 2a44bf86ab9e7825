"""Unread counts: inbound messages after the last one an agent has seen in an interaction.

Per agent for a page of the list; for many agents at once for a live push, where fifty agents
in one live group had cost two queries each on every message.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from agent_workspace.models import Direction, Interaction, InteractionView, Message, User
from agent_workspace.services.membership import interactions_of


def unread_query(agent_id: int, interaction_ids: Any, *, total: bool = False) -> Any:
    seen = (
        select(InteractionView.last_seen_message_id)
        .where(
            InteractionView.agent_id == agent_id,
            InteractionView.interaction_id == Message.interaction_id,
        )
        .scalar_subquery()
    )
    columns = (func.count(),) if total else (col(Message.interaction_id), func.count())
    statement = select(*columns).where(
        col(Message.interaction_id).in_(interaction_ids),
        Message.direction == Direction.INBOUND,
        col(Message.id) > func.coalesce(seen, 0),
    )
    return statement if total else statement.group_by(col(Message.interaction_id))


def unread_in(session: Session, agent_id: int, ids: list[int]) -> dict[int, int]:
    if not ids:
        return {}
    return {
        interaction_id: int(count)
        for interaction_id, count in session.exec(unread_query(agent_id, ids)).all()
    }


def unread_of_many(
    session: Session, pairs: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], int]:
    """Unread count of each (agent, interaction) pair that has any, in one statement."""
    wanted = set(pairs)
    if not wanted:
        return {}
    agents: Any = select(col(User.id).label("agent_id")).where(
        col(User.id).in_(sorted({a for a, _ in wanted}))
    )
    interactions: Any = select(col(Interaction.id).label("ix")).where(
        col(Interaction.id).in_(sorted({i for _, i in wanted}))
    )
    a, i = agents.subquery(), interactions.subquery()
    every = sa.select(a.c.agent_id, i.c.ix).select_from(a.join(i, sa.true()))
    rows = session.connection().execute(_counted(every, by_interaction=True)).all()
    return {(agent, ix): int(n) for agent, ix, n in rows if (agent, ix) in wanted}


def unread_totals(session: Session, agent_ids: Iterable[int]) -> dict[int, int]:
    """Each agent's unread count over their open interactions (the tab title's count), for
    many agents in one statement; an agent with none is absent."""
    agents = sorted(set(agent_ids))
    if not agents:
        return {}
    rows = session.connection().execute(_counted(interactions_of(agents), False)).all()
    return {int(agent): int(n) for agent, n in rows}


def _counted(pairs: Any, by_interaction: bool) -> Any:
    """Inbound messages after each (agent_id, ix) pair's last seen one, counted per agent (and
    per interaction)."""
    p = pairs.subquery()
    seen: Any = InteractionView.__table__  # type: ignore[attr-defined]
    message: Any = Message.__table__  # type: ignore[attr-defined]
    joined = p.outerjoin(
        seen, sa.and_(seen.c.agent_id == p.c.agent_id, seen.c.interaction_id == p.c.ix)
    ).join(
        message,
        sa.and_(
            message.c.interaction_id == p.c.ix,
            message.c.direction == Direction.INBOUND,
            message.c.id > func.coalesce(seen.c.last_seen_message_id, 0),
        ),
    )
    keys = (p.c.agent_id, p.c.ix) if by_interaction else (p.c.agent_id,)
    return sa.select(*keys, func.count(message.c.id)).select_from(joined).group_by(*keys)
