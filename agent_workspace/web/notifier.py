"""Turns committed events into pushes to the pages that show the changed thing."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import reflex as rx

from agent_workspace.services import events
from agent_workspace.services.conversation import load_conversation
from agent_workspace.services.interactions import agent_interactions, watchers
from agent_workspace.services.supervision import load_board
from agent_workspace.state.live import (
    BOARD_LINK,
    AgentListFeed,
    ConversationFeed,
    SupervisorBoardFeed,
    agent_token,
    conversation_token,
)

log = logging.getLogger(__name__)


class Notifier:
    """Subscribed to service events; pushes run on the app loop, not the committing thread."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.loop: asyncio.AbstractEventLoop | None = None

    def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.InteractionChanged) or self.loop is None:
            return
        asyncio.run_coroutine_threadsafe(self.push(event), self.loop)

    async def push(self, event: events.InteractionChanged) -> None:
        try:
            view = await asyncio.to_thread(load_conversation, event.interaction_id)
            token = rx.BaseStateToken(
                ident=conversation_token(event.interaction_id), cls=ConversationFeed
            )
            async with self.app.modify_state(token) as root:
                (await root.get_state(ConversationFeed))._show(view)
            board = await asyncio.to_thread(load_board)
            token = rx.BaseStateToken(ident=BOARD_LINK, cls=SupervisorBoardFeed)
            async with self.app.modify_state(token) as root:
                (await root.get_state(SupervisorBoardFeed))._show(board)
            agents = event.agent_ids | await asyncio.to_thread(watchers, event.interaction_id)
            for agent_id in agents:
                rows = await asyncio.to_thread(agent_interactions, agent_id)
                token = rx.BaseStateToken(ident=agent_token(agent_id), cls=AgentListFeed)
                async with self.app.modify_state(token) as root:
                    (await root.get_state(AgentListFeed))._show(rows)
        except Exception:  # a failed push must never break the action that caused it
            log.exception("live push failed for interaction %s", event.interaction_id)

    async def run(self) -> None:
        """Lifespan task: subscribes for the life of the app."""
        self.loop = asyncio.get_running_loop()
        unsubscribe = events.subscribe(self.on_event)
        try:
            await asyncio.Event().wait()
        finally:
            unsubscribe()
