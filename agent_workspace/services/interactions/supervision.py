"""The supervisor's view of the floor: the overview's figures (overview.py), then every
active interaction, who is in it and how long the consumer has waited, a page at a time,
filtered on the server.

The board reads only the interaction rows (their list columns are kept with each message), never
the message table, so internal notes cannot show up as a last message or a wait (a text filter
looks inside messages through the search index, services/interactions/search.py).
Actions on it (join, leave, reassign, take over) live in supervising.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.board import PageSpan, page_span
from agent_workspace.domain.inputs import is_row_id, search_problem
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import (
    ACTIVE_STATES,
    Channel,
    Interaction,
    InteractionState,
    ProviderNumber,
    Role,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.interactions.lists import InteractionRow, rows_view
from agent_workspace.services.interactions.live_group import member_names
from agent_workspace.services.interactions.overview import (
    AgentLoad,
    Overview,
    agent_loads,
    load_overview,
    overview_in,
)
from agent_workspace.services.interactions.search import is_common, matching
from agent_workspace.services.interactions.supervising import (
    join_as_supervisor,
    leave_as_supervisor,
    reassign,
    take_over,
)

__all__ = [
    "AgentLoad",
    "Board",
    "BoardFilter",
    "BoardPage",
    "Overview",
    "agent_loads",
    "board",
    "board_page",
    "join_as_supervisor",
    "leave_as_supervisor",
    "load_board",
    "load_overview",
    "reassign",
    "take_over",
]


@dataclass(frozen=True)
class BoardRow:
    interaction: InteractionRow
    live_group: tuple[str, ...]
    last_message: str  # "→ ..." sent, "← ..." received: the first line of the latest message
    assigned_agent_id: int | None
    virtual_agent: bool
    waiting_since: datetime | None  # the consumer's first unanswered text


@dataclass(frozen=True)
class BoardFilter:
    """Which rows a supervisor looks at; None (or no text) means any."""

    agent_id: int | None = None
    state: InteractionState | None = None
    virtual_agent: bool | None = None
    channel_id: int | None = None
    text: str = ""  # in the number, person, phone, description or messages


@dataclass(frozen=True)
class BoardPage:
    """One page of the table, latest activity first, and where it is in the whole."""

    rows: tuple[BoardRow, ...]
    span: PageSpan


@dataclass(frozen=True)
class Board:
    """What a board shows when it opens: the overview, the table's page, and the channels
    its filter offers (id, name and numbers)."""

    overview: Overview
    page: BoardPage
    channels: tuple[tuple[int, str], ...] = ()

    @property
    def rows(self) -> tuple[BoardRow, ...]:
        return self.page.rows


def board(
    *,
    actor: Actor | None,
    filters: BoardFilter = BoardFilter(),
    page: int = 1,
    engine: Engine | None = None,
) -> Board:
    """The overview and one page of the table, in one read."""
    require_role(actor, Role.SUPERVISOR)
    _check(filters)
    return load_board(filters=filters, page=page, engine=engine)


def board_page(
    *,
    actor: Actor | None,
    filters: BoardFilter = BoardFilter(),
    page: int = 1,
    engine: Engine | None = None,
) -> BoardPage:
    """One page of the table alone (the overview comes with the live push)."""
    require_role(actor, Role.SUPERVISOR)
    _check(filters)
    with reading(engine) as session:
        return _page(session, filters, page)


def load_board(
    *, filters: BoardFilter = BoardFilter(), page: int = 1, engine: Engine | None = None
) -> Board:
    """Unchecked read (the checked entry is `board`)."""
    with reading(engine) as session:
        return Board(overview_in(session), _page(session, filters, page), _channels(session))


def _channels(session: Session) -> tuple[tuple[int, str], ...]:
    """Each channel by name with its active numbers, e.g. "SMS (+14155550100, +14155550101)"."""
    numbers: dict[int, list[str]] = {}
    for channel_id, e164 in session.exec(
        select(ProviderNumber.channel_id, ProviderNumber.e164)
        .where(col(ProviderNumber.is_active))
        .order_by(col(ProviderNumber.e164))
    ):
        numbers.setdefault(channel_id, []).append(display_phone(e164))
    channels = session.exec(select(Channel.id, Channel.name).order_by(col(Channel.name))).all()
    return tuple(
        (i, f"{name} ({', '.join(numbers[i])})" if numbers.get(i) else name)
        for i, name in channels
        if i is not None
    )


def _check(filters: BoardFilter) -> None:
    if problem := search_problem(filters.text):
        raise InvalidInput(problem)
    for value, what in ((filters.agent_id, "agent"), (filters.channel_id, "channel")):
        if value is not None and not is_row_id(value):
            raise InvalidInput(f"Choose one of the {what}s offered.")


def _page(session: Session, filters: BoardFilter, page: int) -> BoardPage:
    """The total, then the page's rows by OFFSET: the board holds only active interactions,
    so an offset never walks far."""
    dialect = session.get_bind().dialect.name
    text = filters.text.strip()
    common = bool(text) and is_common(session, text)
    where = _conditions(filters, text, dialect, common)
    total = int(session.exec(select(sa.func.count()).select_from(Interaction).where(*where)).one())
    span = page_span(page, total)
    found = session.exec(
        select(Interaction)
        .where(*where)
        .order_by(col(Interaction.updated_at).desc(), col(Interaction.id).desc())
        .offset(span.offset)
        .limit(span.size)
    ).all()
    return BoardPage(_board_rows(session, found), span)


def _conditions(filters: BoardFilter, text: str, dialect: str, common: bool) -> list[Any]:
    where: list[Any] = [col(Interaction.state).in_(list(ACTIVE_STATES))]
    if filters.agent_id is not None:
        where.append(Interaction.assigned_agent_id == filters.agent_id)
    if filters.state is not None:
        where.append(Interaction.state == filters.state)
    if filters.virtual_agent is not None:
        where.append(Interaction.virtual_agent == filters.virtual_agent)
    if filters.channel_id is not None:
        where.append(Interaction.channel_id == filters.channel_id)
    if text:
        where.append(matching(text, dialect, common=common))
    return where


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
