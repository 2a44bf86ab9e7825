"""Turns committed events into pushes to the pages that show the changed thing.

One loop per app process does all pushing, in order: events that arrive while it works are
merged into its next round, so a burst of webhooks costs one refresh per interaction, and an
older view can never overwrite a newer one.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import live_views
from agent_workspace.services.channels.numbers import load_numbers
from agent_workspace.services.interactions.inbox import my_row_changes
from agent_workspace.services.interactions.notices import load_unread
from agent_workspace.services.interactions.supervision import load_board_changes
from agent_workspace.services.messaging.conversation import load_conversation
from agent_workspace.state.channel_feed import CHANNEL_LINK, ChannelFeed
from agent_workspace.state.live import (
    BOARD_LINK,
    LISTS_LINK,
    AgentListFeed,
    ConversationFeed,
    ListsFeed,
    NoticeFeed,
    SupervisorBoardFeed,
    agent_token,
    conversation_token,
    notices_token,
)

log = logging.getLogger(__name__)
Noted = (
    events.InteractionChanged | events.NoticeCreated | events.ChannelChanged | events.ListsChanged
)


class Notifier:
    """Subscribed to service events; pushes run on the app loop, not the committing thread."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._interactions: set[int] = set()
        self._agents: dict[int, set[int]] = {}  # agent -> the rows of their list that changed
        self._reread: set[int] = set()  # agents whose lists must be read whole
        self._noticed: set[int] = set()
        self._channel = False

    def on_event(self, event: events.Event) -> None:
        """Called in the committing thread: only hands the event to the loop."""
        if isinstance(event, Noted) and self.loop:
            self.loop.call_soon_threadsafe(self._note, event)

    def _note(self, event: Noted) -> None:
        if isinstance(event, events.ChannelChanged):
            self._channel = True
        elif isinstance(event, events.NoticeCreated):
            self._noticed.add(event.agent_id)
        elif isinstance(event, events.ListsChanged):
            for agent_id in event.agent_ids:
                self._agents.setdefault(agent_id, set()).update(event.interaction_ids)
                if not event.interaction_ids:
                    self._reread.add(agent_id)
        else:
            self._interactions.add(event.interaction_id)
            for agent_id in event.agent_ids:
                self._agents.setdefault(agent_id, set()).add(event.interaction_id)
        if self._wake is not None:
            self._wake.set()

    async def push_pending(self) -> None:
        interactions, self._interactions = self._interactions, set()
        agents, self._agents = self._agents, {}
        reread, self._reread = self._reread, set()
        noticed, self._noticed = self._noticed, set()
        channel, self._channel = self._channel, False
        wanted = [CHANNEL_LINK] if channel else []
        wanted += [notices_token(a) for a in sorted(noticed)]
        wanted += [conversation_token(i) for i in sorted(interactions)]
        if interactions:
            wanted += [BOARD_LINK, LISTS_LINK]
        wanted += [agent_token(a) for a in sorted(agents)]
        # One read of who looks at what; nothing is read or pushed for a feed nobody shows.
        shown = await self._read(live_views.viewers_of, wanted) or {}
        if CHANNEL_LINK in shown and (numbers := await self._read(load_numbers)) is not None:
            await self._show(shown, CHANNEL_LINK, ChannelFeed, numbers)
        for agent_id in sorted(noticed):
            feed = notices_token(agent_id)
            if feed in shown and (notices := await self._read(load_unread, agent_id)) is not None:
                await self._show(shown, feed, NoticeFeed, notices)
        for interaction_id in sorted(interactions):
            feed = conversation_token(interaction_id)
            if feed in shown and (view := await self._read(load_conversation, interaction_id)):
                await self._show(shown, feed, ConversationFeed, view)
        # Only the changed rows: the board is patched by row, never re-read.
        if BOARD_LINK in shown and (board := await self._read(load_board_changes, interactions)):
            await self._show(shown, BOARD_LINK, SupervisorBoardFeed, board)
        if LISTS_LINK in shown:
            await self._show(shown, LISTS_LINK, ListsFeed, None)
        for agent_id in sorted(agents):
            if (feed := agent_token(agent_id)) not in shown:
                continue
            # The changed rows themselves, so the agent's tabs patch their lists unread.
            changed = None
            if agent_id not in reread:
                changed = await self._read(my_row_changes, agent_id, frozenset(agents[agent_id]))
            await self._show(shown, feed, AgentListFeed, changed)

    async def _read(self, read: Any, *args: Any) -> Any:
        """A read off the loop; a failure is logged and skips only this piece."""
        try:
            return await asyncio.to_thread(read, *args)
        except Exception:
            log.exception("live push: %s%s failed", getattr(read, "__name__", read), args)
            return None

    async def _show(
        self,
        shown: dict[str, list[tuple[int, Actor]]],
        feed: str,
        feed_cls: type[rx.State],
        value: Any,
    ) -> None:
        """Pushes to each valid session's copy of the feed whose user may see it; sessions
        that ended, or tabs nobody has open, get nothing."""
        for session_id, actor in shown.get(feed, []):
            if not feed_cls._may_view(actor, feed):  # type: ignore[attr-defined]
                continue
            token = live_views.session_token(feed, session_id)
            try:
                await self._apply(token, feed_cls, value)
            except Exception:
                log.exception("live push to %s failed", token)

    async def _apply(self, token: str, feed_cls: type[rx.State], value: Any) -> None:
        """app.modify_state without its emit to the shared copy itself: that token is no tab,
        so the emit could only log "disconnected client". Reflex's fan-out still sends the
        delta to the linked tabs that are connected."""
        with self.app.set_contexts():
            async with self.app.state_manager.modify_state_with_links(
                rx.BaseStateToken(ident=token, cls=feed_cls)
            ) as root:
                (await root.get_state(feed_cls))._show(value)
                await root._get_resolved_delta()
                root._clean()

    async def run(self) -> None:
        """Lifespan task: subscribes for the life of the app."""
        self.loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        unsubscribe = events.subscribe(self.on_event)
        try:
            while True:
                await self._wake.wait()
                self._wake.clear()
                await self.push_pending()
        finally:
            unsubscribe()
