"""The interaction list an agent works from: scope, filters, search, sort, keyset pages, and
unread counts (inbound messages since the agent last looked).

Every query is driven by the interaction's own columns (state, assignee, updated_at, the last
message kept on the row) and indexes on them, so the first page costs the same with 100 or
100,000 interactions; unread counts are read for the rows on the page only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, or_, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.inputs import is_row_id, search_problem
from agent_workspace.models import (
    ACTIVE_STATES,
    AuthSession,
    Interaction,
    InteractionLabel,
    InteractionType,
    InteractionView,
    Message,
    Role,
    User,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction, live_session, require_role
from agent_workspace.services.errors import AccessDenied, InvalidInput, ServiceError
from agent_workspace.services.interactions.lists import InteractionRow, rows_view
from agent_workspace.services.interactions.search import is_common, matching
from agent_workspace.services.interactions.unread import (
    unread_in,
    unread_of_many,
    unread_query,
    unread_totals,
)
from agent_workspace.services.membership import interaction_ids_of, interactions_of

PAGE = 50


class Scope(StrEnum):
    MINE = "mine"
    UNASSIGNED = "unassigned"
    VIRTUAL_AGENT = "virtual_agent"
    ALL = "all"  # supervisors: All Interactions


class StateFilter(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    ANY = "any"


class Sort(StrEnum):
    RECENT = "recent"  # last activity first
    WAITING = "waiting"  # longest-waiting consumer first
    NEWEST = "newest"  # most recently opened first


@dataclass(frozen=True)
class Cursor:
    """Where the next page starts: the last row's sort key and id."""

    key: datetime | None
    id: int


@dataclass(frozen=True)
class ListQuery:
    scope: Scope = Scope.MINE
    state: StateFilter = StateFilter.OPEN
    type: InteractionType | None = None
    search: str = ""
    sort: Sort = Sort.RECENT
    after: Cursor | None = None
    limit: int = PAGE
    label_id: int | None = None  # only interactions carrying this label


@dataclass(frozen=True)
class InboxPage:
    rows: tuple[InteractionRow, ...]
    next: Cursor | None  # None on the last page


def inbox(*, actor: Actor | None, query: ListQuery, engine: Engine | None = None) -> InboxPage:
    """One page of the list the agent asked for; All Interactions needs the supervisor role."""
    agent = require_role(actor, Role.AGENT)
    if query.scope is Scope.ALL and not agent.has(Role.SUPERVISOR):
        raise AccessDenied("All Interactions is for supervisors; choose My Interactions.")
    if problem := search_problem(query.search):
        raise InvalidInput(problem)
    if query.label_id is not None and not is_row_id(query.label_id):
        raise InvalidInput("Choose one of the labels offered.")
    with reading(engine) as session:
        common = bool(query.search.strip()) and is_common(session, query.search.strip())
        dialect = session.get_bind().dialect.name
        statement = _filtered(query, agent.user_id, dialect, common_text=common)
        found = _page_of(session, statement, query)
        more = len(found) > query.limit
        found = found[: query.limit]
        unread = unread_in(session, agent.user_id, [i.id for i in found if i.id is not None])
        rows = tuple(
            replace(row, unread=unread.get(row.id, 0)) for row in rows_view(session, found)
        )
        last = found[-1] if more and found else None
        next_cursor = Cursor(_key_value(last, query.sort), last.id) if last and last.id else None
        return InboxPage(rows, next_cursor)


@dataclass(frozen=True)
class RowChanges:
    """What some changed interactions mean for one agent's My Interactions, so a push carries
    the rows (and the title's count) and the tab re-reads nothing."""

    rows: tuple[InteractionRow, ...]  # changed and the agent's (any state), with their unread
    gone: frozenset[int]  # changed and not the agent's (any more), or snoozed
    unread_total: int


def my_row_changes(
    agent_id: int, interaction_ids: frozenset[int], *, engine: Engine | None = None
) -> RowChanges:
    """Unchecked read for the live notifier: it pushes only to the agent's own valid sessions."""
    return row_changes_for({agent_id: interaction_ids}, engine=engine)[agent_id]


def row_changes_for(
    changes: Mapping[int, frozenset[int]], *, engine: Engine | None = None
) -> dict[int, RowChanges]:
    """my_row_changes for many agents in one read: the changed interactions, their people and
    members are read once, and only the unread counts are per agent (fifty agents in a live
    group get one push round, not fifty)."""
    every = sorted(set().union(*changes.values())) if changes else []
    with reading(engine) as session:
        found = list(session.exec(select(Interaction).where(col(Interaction.id).in_(every))))
        held = interactions_of(changes, open_only=False, among=every)
        theirs = {(a, i) for a, i in session.connection().execute(held)}
        views = {row.id: row for row in rows_view(session, found)}
        mine_of = {
            agent_id: [
                i
                for i in sorted(ids)
                if (agent_id, i) in theirs and i in views and not views[i].snoozed
            ]
            for agent_id, ids in changes.items()
        }
        # Two statements for every agent of the round (they had been two per agent).
        unread = unread_of_many(session, [(a, i) for a, ids in mine_of.items() for i in ids])
        totals = unread_totals(session, changes)
        result = {}
        for agent_id, ids in changes.items():
            mine = mine_of[agent_id]
            rows = tuple(replace(views[i], unread=unread.get((agent_id, i), 0)) for i in mine)
            result[agent_id] = RowChanges(rows, ids - set(mine), totals.get(agent_id, 0))
        return result


def unread_total(*, actor: Actor | None, engine: Engine | None = None) -> int:
    """Unread inbound messages over the agent's open interactions (the tab title's count)."""
    agent = require_role(actor, Role.AGENT)
    with reading(engine) as session:
        return int(
            session.exec(
                unread_query(agent.user_id, interaction_ids_of(agent.user_id), total=True)
            ).one()
        )


def mark_seen(*, actor: Actor | None, interaction_id: int, engine: Engine | None = None) -> bool:
    """The agent has looked at every message so far; returns whether anything changed."""
    return bool(mark_seen_many([(actor, interaction_id)], engine=engine))


def mark_seen_many(
    marks: Sequence[tuple[Actor | None, int]],
    *,
    announce: bool = True,
    engine: Engine | None = None,
) -> int:
    """Several agents' "seen" at once, in one transaction: a new message pushed to fifty tabs
    on one conversation is marked seen for all of them in one write. A mark the agent may not
    make (no agent role, the interaction gone, the session ended) is skipped; returns how many
    marks changed anything. `announce=False`: the caller pushes the changed list rows itself."""
    for attempt in (1, 2):
        try:
            return _mark_seen_once(marks, engine, announce)
        except sa.exc.IntegrityError:  # another worker wrote a first mark of the same row
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _mark_seen_once(
    marks: Sequence[tuple[Actor | None, int]], engine: Engine | None, announce: bool
) -> int:
    changed: dict[int, set[int]] = {}
    with transaction(engine) as session:
        last_ids: dict[int, int] = {}
        valid = _valid_sessions(session, {a.session_id for a, _ in marks if a and a.session_id})
        # Every mark's row in one read, not one read per mark (held here: the session's
        # identity map keeps only objects someone still refers to).
        agents, interactions = {a.user_id for a, _ in marks if a}, {i for _, i in marks}
        held = {
            (v.agent_id, v.interaction_id): v
            for v in session.exec(
                select(InteractionView).where(
                    col(InteractionView.agent_id).in_(agents),
                    col(InteractionView.interaction_id).in_(interactions),
                )
            )
        }
        for actor, interaction_id in marks:
            if actor is not None and actor.session_id is not None and actor.session_id not in valid:
                continue  # signed out, expired or deactivated since the tab last checked
            try:
                agent, _ = access_interaction(session, actor, interaction_id)
            except ServiceError:
                if len(marks) == 1:
                    raise
                continue
            if interaction_id not in last_ids:
                last = session.exec(
                    select(func.max(Message.id)).where(Message.interaction_id == interaction_id)
                ).one()
                last_ids[interaction_id] = int(last or 0)
            last_id = last_ids[interaction_id]
            view = held.get((agent.user_id, interaction_id))
            if view is not None and view.last_seen_message_id >= last_id:
                continue
            if view is None:
                view = InteractionView(agent_id=agent.user_id, interaction_id=interaction_id)
                held[(agent.user_id, interaction_id)] = view
            view.last_seen_message_id, view.seen_at = last_id, utcnow()
            session.add(view)
            changed.setdefault(interaction_id, set()).add(agent.user_id)
        for interaction_id, agent_ids in changed.items() if announce else ():
            events.after_commit(
                session, events.ListsChanged(frozenset(agent_ids), frozenset({interaction_id}))
            )
    return sum(len(agents) for agents in changed.values())


def _valid_sessions(session: Session, session_ids: set[int | None]) -> set[int]:
    if not session_ids:
        return set()
    found = session.exec(
        select(AuthSession.id)
        .join(User, col(User.id) == AuthSession.user_id)
        .where(col(AuthSession.id).in_(session_ids), live_session())
    ).all()
    return {i for i in found if i is not None}


def _filtered(query: ListQuery, agent_id: int, dialect: str, *, common_text: bool = False) -> Any:
    statement = select(Interaction)
    if query.scope is Scope.MINE:
        mine = interaction_ids_of(agent_id, open_only=query.state is StateFilter.OPEN)
        # A snoozed conversation leaves My Interactions until it wakes (interactions/snooze.py).
        statement = statement.where(
            col(Interaction.id).in_(mine), col(Interaction.snoozed_at).is_(None)
        )
    elif query.scope is Scope.UNASSIGNED:
        statement = statement.where(
            col(Interaction.assigned_agent_id).is_(None), col(Interaction.virtual_agent).is_(False)
        )
    elif query.scope is Scope.VIRTUAL_AGENT:
        statement = statement.where(col(Interaction.virtual_agent).is_(True))
    active = [s.value for s in ACTIVE_STATES]
    if query.state is StateFilter.OPEN:
        statement = statement.where(col(Interaction.state).in_(active))
    elif query.state is StateFilter.CLOSED:
        statement = statement.where(col(Interaction.state).not_in(active))
    if query.type is not None:
        statement = statement.where(Interaction.type == query.type)
    if query.label_id is not None:
        labelled = select(InteractionLabel.interaction_id).where(
            InteractionLabel.label_id == query.label_id
        )
        statement = statement.where(col(Interaction.id).in_(labelled))
    if query.search.strip():
        statement = statement.where(matching(query.search.strip(), dialect, common=common_text))
    return statement


def _sort_key(sort: Sort) -> Any:
    if sort is Sort.WAITING:
        return col(Interaction.awaiting_reply_since)
    if sort is Sort.NEWEST:
        return col(Interaction.opened_at)
    return col(Interaction.updated_at)


def _key_value(interaction: Interaction, sort: Sort) -> datetime | None:
    if sort is Sort.WAITING:
        return interaction.awaiting_reply_since
    if sort is Sort.NEWEST:
        return interaction.opened_at
    return interaction.updated_at


def _page_of(session: Session, statement: Any, query: ListQuery) -> list[Interaction]:
    """One page plus one row (to know whether there is more), in the sort's order, after the
    cursor: keyset paging, no OFFSET, and an ORDER BY that an index on (key, id) serves."""
    key, cursor, wanted = _sort_key(query.sort), query.after, query.limit + 1
    ident = col(Interaction.id)
    if query.sort is not Sort.WAITING:
        if cursor is not None:
            statement = statement.where(
                or_(key < cursor.key, sa.and_(key == cursor.key, ident < cursor.id))
            )
        return list(session.exec(statement.order_by(key.desc(), ident.desc()).limit(wanted)))
    # Waiting longest: whoever waits, oldest wait first; then everyone nobody waits on, by id.
    # Two index range reads instead of one ORDER BY (key IS NULL), which no index serves.
    found: list[Interaction] = []
    if cursor is None or cursor.key is not None:
        waiting = statement.where(key.is_not(None))
        if cursor is not None:
            waiting = waiting.where(
                or_(key > cursor.key, sa.and_(key == cursor.key, ident > cursor.id))
            )
        found = list(session.exec(waiting.order_by(key.asc(), ident.asc()).limit(wanted)))
        cursor = None
    if len(found) < wanted:
        idle = statement.where(key.is_(None))
        if cursor is not None:
            idle = idle.where(ident > cursor.id)
        found += session.exec(idle.order_by(ident.asc()).limit(wanted - len(found)))
    return found
