"""The supervisor's view of the floor: every active interaction, who is in it, how long the
consumer has waited, and how many interactions each agent holds.

The board reads only the interaction rows (their list columns are kept with each message), never
the message table, so internal notes cannot show up as a last message or a wait.
Actions on it (join, leave, reassign, take over) live in supervising.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    InteractionState,
    Role,
    User,
    UserRole,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.interactions.availability import availability_of
from agent_workspace.services.interactions.lists import InteractionRow, rows_view
from agent_workspace.services.interactions.live_group import member_names
from agent_workspace.services.interactions.supervising import (
    join_as_supervisor,
    leave_as_supervisor,
    reassign,
    take_over,
)

__all__ = [
    "Board",
    "BoardChanges",
    "BoardFilter",
    "board",
    "join_as_supervisor",
    "leave_as_supervisor",
    "load_board",
    "load_board_changes",
    "reassign",
    "take_over",
]

BOARD_LIMIT = 500


@dataclass(frozen=True)
class BoardRow:
    interaction: InteractionRow
    live_group: tuple[str, ...]
    last_message: str  # "→ ..." sent, "← ..." received: the first line of the latest message
    assigned_agent_id: int | None
    virtual_agent: bool
    waiting_since: datetime | None  # the consumer's first unanswered text


@dataclass(frozen=True)
class AgentLoad:
    agent_id: int
    name: str
    active: int  # active interactions assigned to them
    status: str = ""  # their availability, e.g. "Available", "Offline (no session)"


@dataclass(frozen=True)
class Board:
    rows: tuple[BoardRow, ...]
    agents: tuple[AgentLoad, ...]  # every active agent, busiest first


@dataclass(frozen=True)
class BoardFilter:
    """Which rows a supervisor looks at; None means any."""

    agent_id: int | None = None
    state: InteractionState | None = None
    virtual_agent: bool | None = None


def board(
    *, actor: Actor | None, filters: BoardFilter = BoardFilter(), engine: Engine | None = None
) -> Board:
    require_role(actor, Role.SUPERVISOR)
    return load_board(filters=filters, engine=engine)


def load_board(*, filters: BoardFilter = BoardFilter(), engine: Engine | None = None) -> Board:
    """Unchecked read for the live notifier (it pushes to supervisors' linked pages only)."""
    with reading(engine) as session:
        query = select(Interaction).where(col(Interaction.state).in_(list(ACTIVE_STATES)))
        if filters.agent_id is not None:
            query = query.where(Interaction.assigned_agent_id == filters.agent_id)
        if filters.state is not None:
            query = query.where(Interaction.state == filters.state)
        if filters.virtual_agent is not None:
            query = query.where(Interaction.virtual_agent == filters.virtual_agent)
        found = session.exec(
            query.order_by(col(Interaction.updated_at).desc()).limit(BOARD_LIMIT)
        ).all()
        return Board(_board_rows(session, found), agent_loads(session))


@dataclass(frozen=True)
class BoardChanges:
    """What a few changed interactions do to the board: rows to put on top, rows to drop."""

    rows: tuple[BoardRow, ...]  # still active, newest first
    gone: frozenset[int]  # no longer active (closed), or never were
    agents: tuple[AgentLoad, ...]


def load_board_changes(interaction_ids: set[int], *, engine: Engine | None = None) -> BoardChanges:
    """Unchecked read for the live notifier: only the changed rows, so an event costs a few
    rows and one grouped count, never a re-read of the whole board."""
    with reading(engine) as session:
        found = session.exec(
            select(Interaction)
            .where(
                col(Interaction.id).in_(sorted(interaction_ids)),
                col(Interaction.state).in_(list(ACTIVE_STATES)),
            )
            .order_by(col(Interaction.updated_at).desc())
        ).all()
        gone = frozenset(interaction_ids - {i.id for i in found if i.id is not None})
        return BoardChanges(_board_rows(session, found), gone, agent_loads(session))


def _board_rows(session: Session, found: Sequence[Interaction]) -> tuple[BoardRow, ...]:
    groups = member_names(session, [i.id for i in found if i.id is not None])
    return tuple(
        BoardRow(
            interaction=row,
            live_group=groups.get(row.id, ()),
            last_message=_last_message(i),
            assigned_agent_id=i.assigned_agent_id,
            virtual_agent=i.virtual_agent,
            waiting_since=i.awaiting_reply_since,
        )
        for i, row in zip(found, rows_view(session, found), strict=True)
    )


def _last_message(interaction: Interaction) -> str:
    if interaction.last_message_at is None:
        return ""
    arrow = "←" if interaction.last_message_inbound else "→"
    return f"{arrow} {interaction.last_message_preview or '(empty)'}"


def agent_loads(session: Session) -> tuple[AgentLoad, ...]:
    """Per active agent, their active interactions, busiest first: one grouped count, not one
    per agent (the board, and whom a transfer may go to)."""
    counts = dict(
        session.exec(
            select(Interaction.assigned_agent_id, sa.func.count())
            .where(
                col(Interaction.state).in_(list(ACTIVE_STATES)),
                col(Interaction.assigned_agent_id).is_not(None),
            )
            .group_by(col(Interaction.assigned_agent_id))
        ).all()
    )
    agents = session.exec(
        select(User)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(UserRole.role == Role.AGENT, col(User.is_active))
        .order_by(col(User.display_name), col(User.id))
    ).all()
    statuses = availability_of(session, agents)
    loads = [
        AgentLoad(u.id, u.display_name, int(counts.get(u.id, 0)), statuses[u.id].text())
        for u in agents
        if u.id
    ]
    return tuple(sorted(loads, key=lambda a: -a.active))
