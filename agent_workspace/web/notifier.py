"""Turns committed events into pushes to the pages that show the changed thing.

A fan-out loop: each event says who may hear it (services/events.py, set by the service that
committed), and the notifier delivers to the live sessions showing the feed that the one
access rule lets hear it (services/access.py `may_hear`). It reads where to deliver (the
sessions showing a feed) and what to deliver (the feed's contents), and writes nothing: a tab
shown a new message marks it seen in its own event (state/interaction_page.py).

One loop per app process does all pushing, in order: events that arrive while it works or
waits are merged into its next round, so a burst of webhooks costs one refresh per interaction,
and an older view can never overwrite a newer one.

Pushing never comes before accepting. A round's cost grows with its viewers, and a tab shown a
new version of a list it cannot patch reads its page again: during a flood of webhooks, rounds
back to back (each with ten tabs on a queue re-reading it) had kept both cores busy, and the
webhooks' answers waited 100 times longer (benchmarks/burst.py). So a round starts at once
only when the last one is long enough past; otherwise it waits a gap that grows with what the
last round cost and with how many tabs it made read again, and every event of the gap goes in
the one round after it (the newest state wins). Within a round the loop is handed back every
few milliseconds, so a request never waits for all of a round's copies.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import reflex as rx
from reflex.event import Event
from reflex.state import StateUpdate

from agent_workspace import reflex_internals
from agent_workspace.db.engine import reading
from agent_workspace.ops import metrics
from agent_workspace.services import events
from agent_workspace.services.access import may_hear
from agent_workspace.services.accounts import live_views
from agent_workspace.services.conversation.conversation import (
    LatestMessages,
    latest_messages_in,
    load_conversation,
)
from agent_workspace.services.interactions.inbox import RowChanges, row_changes_for
from agent_workspace.services.interactions.overview import load_overview
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.live import (
    BOARD_LINK,
    LISTS_LINK,
    PANES,
    AgentListFeed,
    ListsFeed,
    SupervisorBoardFeed,
    agent_token,
    conversation_token,
    feed_class,
)

log = logging.getLogger(__name__)
Noted = (
    events.InteractionChanged
    | events.PaneChanged
    | events.ListsChanged
    | events.SessionsEnded
    | events.TeamChanged
)
# How often copies of sessions that ended on their own (expired) are looked for; a sign-out or
# a revoke is announced and handled at once.
ENDED_SWEEP_SECONDS = 10.0
_TO_SIGN_IN = rx.redirect("/login", replace=True)
# The pace of rounds: after a round, the next waits MIN_GAP, plus as long as the round took
# (so pushing takes at most about half the loop), plus REREAD_COST for each copy it pushed
# whose tabs read their list again (a queue, All Interactions: a page read per tab).
MIN_GAP = 0.02
REREAD_COST = 0.05
MAX_GAP = 2.0
# Work on the loop between hand-backs within a round.
SLICE = 0.004
PaneKey = tuple[str, int | None]  # a pane of state/live.py PANES, and whose (None: everyone's)


@dataclasses.dataclass
class _Views:
    shown: dict[str, list[live_views.Viewer]]
    panes: dict[PaneKey, Any] = dataclasses.field(default_factory=dict)
    conversations: dict[int, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class _Lists:
    board: Any = None
    rows: dict[int, RowChanges] = dataclasses.field(default_factory=dict)


def _attempt(read: Any, *args: Any, undo: Callable[[], object] | None = None) -> Any:
    """One piece of a round's read; a failure is logged and skips only this piece. In the
    round's shared read `undo` rolls the failed statement back, so the next piece reads in a
    fresh transaction (PostgreSQL refuses every statement after an error)."""
    try:
        return read(*args)
    except Exception:
        log.exception("live push: %s%s failed", getattr(read, "__name__", read), args)
        if undo is not None:
            with contextlib.suppress(Exception):
                undo()
        return None


def _read_views(
    wanted: list[str], panes: set[PaneKey], interactions: set[int], whole: set[int]
) -> _Views:
    """Which sessions show the feeds a change reached, then only the feeds somebody shows.

    Who looks and the latest messages (the usual round: a text came in) share one read
    session: two sessions had cost about half a millisecond more, a fifth of the round's read
    on a core that had been idle."""
    views = _Views({})
    try:
        with reading() as session:
            undo = session.rollback
            views.shown = _attempt(live_views.viewers_in, session, wanted, undo=undo) or {}
            for interaction_id in sorted(interactions - whole):
                if conversation_token(interaction_id) not in views.shown:
                    continue
                latest = _attempt(latest_messages_in, session, interaction_id, undo=undo)
                if latest:
                    views.conversations[interaction_id] = latest
    except Exception:  # ending the read failed: what was read stands
        log.exception("live push: closing the round's read failed")
    shown = views.shown
    for name, key in sorted(panes, key=lambda p: (p[0], p[1] or 0)):
        pane = PANES[name]
        if pane.token(key) in shown and (value := _attempt(pane.value, key)) is not None:
            views.panes[(name, key)] = value
    for interaction_id in sorted(whole):
        if conversation_token(interaction_id) not in shown:
            continue
        if view := _attempt(load_conversation, interaction_id):
            views.conversations[interaction_id] = view
    return views


def _read_lists(board: bool, listed: dict[int, frozenset[int]], reread: set[int]) -> _Lists:
    """`board`: whether the board's overview is read (once for every supervisor)."""
    lists = _Lists()
    if board:
        lists.board = _attempt(load_overview)
    patched = {a: ids for a, ids in listed.items() if a not in reread}
    if patched:
        lists.rows = _attempt(row_changes_for, patched) or {}
    return lists


class Notifier:
    """Subscribed to service events; pushes run on the app loop, not the committing thread.

    Each event says who may hear it (services/events.py); a feed's copy is pushed only when
    its session may, under the one access rule (services/access.py `may_hear`), checked once
    per copy and round from the roles the viewers' read brought. The notifier writes nothing.
    """

    def __init__(
        self,
        app: Any,
        *,
        clock: Callable[[], float] = time.monotonic,
        pause: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._clock, self._pause = clock, pause
        self._next_round = -float("inf")  # the clock's time before which no round starts
        self._sliced = 0.0  # when the loop was last handed back within a round
        self._rereads = 0  # copies this round pushed whose tabs read their list again
        self._interactions: set[int] = set()
        self._whole: set[int] = set()  # interactions changed beyond their messages
        self._agents: dict[int, set[int]] = {}  # agent -> the rows of their list that changed
        self._reread: set[int] = set()  # agents whose lists must be read whole
        self._panes: set[PaneKey] = set()
        self._team = False  # the agents' availability changed: the board's agents table
        self._heard: dict[str, events.Audience] = {}  # feed -> who may hear this round's push
        self._ended = False

    def on_event(self, event: events.Event) -> None:
        """Called in the committing thread: only hands the event to the loop."""
        if isinstance(event, Noted) and self.loop:
            self.loop.call_soon_threadsafe(self._note, event)

    def _note(self, event: Noted) -> None:
        if isinstance(event, events.SessionsEnded):
            self._ended = True
        elif isinstance(event, events.PaneChanged):
            self._panes.add((event.pane, event.key))
            self._hears(PANES[event.pane].token(event.key), event.audience)
        elif isinstance(event, events.TeamChanged):
            self._team = True
            self._hears(BOARD_LINK, event.audience)
        elif isinstance(event, events.ListsChanged):
            self._lists(event.audience, event.interaction_ids, reread=not event.interaction_ids)
        else:
            self._interactions.add(event.interaction_id)
            if not event.messages_only:
                self._whole.add(event.interaction_id)
            self._hears(conversation_token(event.interaction_id), event.viewers)
            self._hears(LISTS_LINK, event.viewers)
            self._hears(BOARD_LINK, event.board)
            self._lists(event.listed, frozenset({event.interaction_id}))
        if self._wake is not None:
            self._wake.set()

    def _hears(self, feed: str, audience: events.Audience) -> None:
        heard = self._heard.get(feed)
        self._heard[feed] = audience if heard is None else heard | audience

    def _lists(self, audience: events.Audience, rows: frozenset[int], reread: bool = False) -> None:
        """Each agent of the audience hears the rows on their own list only."""
        for agent_id in audience.agents or ():
            self._agents.setdefault(agent_id, set()).update(rows)
            if reread:
                self._reread.add(agent_id)
            self._hears(agent_token(agent_id), events.agents({agent_id}))

    async def push_pending(self) -> None:
        if self._ended:
            self._ended = False
            await self.drop_ended()
        interactions, self._interactions = self._interactions, set()
        whole, self._whole = self._whole, set()
        agents, self._agents = self._agents, {}
        reread, self._reread = self._reread, set()
        panes, self._panes = self._panes, set()
        team, self._team = self._team, False
        heard, self._heard = self._heard, {}
        # Two reads off the loop per round, each a single hop to a thread (a hop waits for the
        # loop, which every tab shares): first what the viewers wait for, then the lists.
        first = await asyncio.to_thread(_read_views, list(heard), panes, interactions, whole)
        shown = first.shown
        for (name, key), value in first.panes.items():
            pane = PANES[name]
            await self._show(shown, heard, pane.token(key), pane.feed, value)
        for interaction_id, view in first.conversations.items():
            token = conversation_token(interaction_id)
            await self._show(shown, heard, token, ConversationFeed, view)
        metrics.conversations_pushed(first.conversations)  # webhook → screen latency
        if LISTS_LINK in shown:
            self._rereads += await self._show(shown, heard, LISTS_LINK, ListsFeed, None)
        listed = {a: frozenset(ids) for a, ids in agents.items() if agent_token(a) in shown}
        board = BOARD_LINK in shown and bool(interactions or team)
        if not listed and not board:
            return
        second = await asyncio.to_thread(_read_lists, board, listed, reread)
        if second.board is not None:  # the figures, read once; each tab reads its page
            board_tabs = await self._show(
                shown, heard, BOARD_LINK, SupervisorBoardFeed, second.board
            )
            self._rereads += board_tabs
        for agent_id in sorted(listed):
            # The changed rows themselves, so the agent's tabs patch their lists unread.
            changed = second.rows.get(agent_id)
            token = agent_token(agent_id)
            pushed = await self._show(shown, heard, token, AgentListFeed, changed)
            self._rereads += pushed if changed is None else 0

    async def _show(
        self,
        shown: dict[str, list[live_views.Viewer]],
        heard: dict[str, events.Audience],
        feed: str,
        feed_cls: type[rx.State],
        value: Any,
    ) -> int:
        """Pushes to each valid session's copy of the feed whose user is in the audience;
        sessions that ended, or tabs nobody has open, get nothing. Returns how many copies
        had a tab that was sent the push."""
        audience, pushed = heard[feed], 0
        for token, actor in shown.get(feed, []):
            if not may_hear(actor, audience.need, audience.agents):
                continue
            try:
                pushed += await self._apply(token, feed_cls, value)
            except Exception:
                log.exception("live push to %s failed", token)
            await self._hand_back()
        return pushed

    async def _hand_back(self) -> None:
        """Gives the loop to whatever waits (a webhook's request, a tab's event) once this
        round has held it for SLICE: a round over many copies is not one long turn."""
        now = time.perf_counter()
        if now - self._sliced >= SLICE:
            await asyncio.sleep(0)
            self._sliced = time.perf_counter()

    async def _apply(self, token: str, feed_cls: type[rx.State], value: Any) -> bool:
        """Changes the session's copy of the feed and sends the copy's delta to its tabs;
        returns whether a tab was sent it.

        Not through Reflex's linked-state fan-out: that loaded and re-resolved each tab's whole
        state tree in a task of its own, and as those tasks took turns every tab's packet
        waited behind every other tab's (the first of ten tabs got its text after all ten). A
        tab holds the feed under the same name as the copy, so the copy's delta is what each
        tab would be sent: it is resolved once and emitted to each connected tab in turn. The
        tab's own state needs nothing: its next event reads the linked copy again. Nothing is
        emitted to the copy itself, which is no tab ("disconnected client")."""
        with reflex_internals.app_contexts(self.app):
            async with reflex_internals.modified(self.app, token, feed_cls) as root:
                feed = await root.get_state(feed_cls)
                if feed._ended:  # read for a session that has ended since: keep it empty
                    return False
                if not isinstance(value, LatestMessages):
                    feed._show(value)
                elif not feed._show_latest(value):  # this copy never had the whole view
                    whole = await asyncio.to_thread(load_conversation, value.interaction_id)
                    feed._show(whole)
                delta = await reflex_internals.take_delta(root)
                tabs = reflex_internals.linked_tabs(feed)
            sent = await self._send(delta, tabs) if delta else 0
        return sent > 0

    async def _send(self, delta: dict[str, Any], tabs: list[str]) -> int:
        """One delta to each tab still connected (to this worker or, through Redis, another);
        returns to how many."""
        return await self._send_update(StateUpdate(delta=delta), tabs)

    async def _send_update(self, update: StateUpdate, tabs: list[str]) -> int:
        namespace, sent = self.app.event_namespace, 0
        for tab in tabs:
            if await reflex_internals.is_connected(self.app, tab):
                await namespace.emit_update(update, tab)
                sent += 1
        return sent

    async def drop_ended(self) -> None:
        """Empties the copies of feeds whose session has ended (signed out, revoked when the
        user was deactivated or lost a role, expired): what its tabs were shown is not kept,
        and each tab still connected is sent the emptied feed and the sign-in page at once."""
        ended = await asyncio.to_thread(_attempt, live_views.take_ended) or []
        for feed, copy in ended:
            feed_cls = feed_class(feed)
            if feed_cls is None:
                continue
            try:
                await self._empty(copy, feed_cls)
            except Exception:
                log.exception("emptying the ended copy %s failed", copy)

    async def _empty(self, token: str, feed_cls: type[rx.State]) -> None:
        """Resets the copy to a feed's defaults and sends its linked tabs there."""
        with reflex_internals.app_contexts(self.app):
            async with reflex_internals.modified(self.app, token, feed_cls) as root:
                feed = await root.get_state(feed_cls)
                tabs = reflex_internals.linked_tabs(feed)
                feed.reset()
                feed._ended = True  # a round that read its viewers before finds it so
                delta = await reflex_internals.take_delta(root)
            update = StateUpdate(delta=delta, events=Event.from_event_type(_TO_SIGN_IN))
            await self._send_update(update, tabs)

    async def run(self) -> None:
        """Lifespan task: subscribes for the life of the app."""
        self.loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        unsubscribe = events.subscribe(self.on_event)
        try:
            while True:
                try:
                    await asyncio.wait_for(self._wake.wait(), ENDED_SWEEP_SECONDS)
                except TimeoutError:
                    self._ended = True  # sessions also end by expiring, announced by nobody
                if (wait := self._next_round - self._clock()) > 0:
                    await self._pause(wait)  # what comes meanwhile joins this round
                self._wake.clear()
                await self.paced_round()
        finally:
            unsubscribe()

    async def paced_round(self) -> None:
        """One round of everything pending, and when the next may start."""
        started, self._rereads = self._clock(), 0
        self._sliced = time.perf_counter()
        try:
            await self.push_pending()
        finally:
            ended = self._clock()
            self._next_round = ended + next_gap(ended - started, self._rereads)


def next_gap(took: float, rereads: int) -> float:
    """How long after a round the next one waits: see the module's docstring."""
    return min(MAX_GAP, MIN_GAP + took + REREAD_COST * rereads)
