"""The interaction form: opening it links the tab to the interaction's live feed."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import lifecycle
from agent_workspace.services.messaging import conversation, messages
from agent_workspace.state.live import ConversationFeed, conversation_token
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import MessageItem, message_item


class InteractionPageState(SessionState):
    """Which interaction this tab shows, its older messages, and why it cannot be shown if so."""

    interaction_id: int = 0
    load_error: str = ""
    history: list[MessageItem] = []  # messages as they were when the tab opened
    history_upto: int = 0  # position of the last message in `history`

    @rx.event
    async def open(self) -> None:
        interaction_id = self._interaction_in_url()
        if interaction_id is None:
            self.load_error = "That is not an interaction number."
            return
        try:
            actor = await self._require(Role.AGENT)
            view = await self._off_loop(
                conversation.conversation, actor=actor, interaction_id=interaction_id
            )
        except ServiceError as refused:
            self.load_error = refused.message
            return
        self.load_error = ""
        self.interaction_id = interaction_id
        feed = await self._link_feed(ConversationFeed, conversation_token(interaction_id))
        feed._show(view)
        await self._load_history(actor, view.total)

    async def _load_history(self, actor: Actor | None, upto: int) -> None:
        """Messages up to position `upto`; the page hides those the live tail also shows, so
        messages leaving the tail stay on screen."""
        older = await self._off_loop(
            messages.history, actor=actor, interaction_id=self.interaction_id, before_seq=upto + 1
        )
        self.history = [message_item(m) for m in older]
        self.history_upto = upto

    @rx.event
    async def load_earlier(self) -> None:
        """Catches up after more new messages arrived than the live feed carries."""
        feed = await self.get_state(ConversationFeed)
        try:
            await self._load_history(await self._actor(), feed.total)
        except ServiceError as refused:
            self.load_error = refused.message

    @rx.event
    async def close_interaction(self) -> EventSpec:
        """Closes the interaction as complete; every viewer sees the new state."""
        try:
            number = await self._off_loop(
                lifecycle.close_by_agent,
                actor=await self._require(Role.AGENT),
                interaction_id=self.interaction_id,
            )
        except ServiceError as refused:
            return rx.toast.error(refused.message)
        return rx.toast.success(f"{number} is closed.")
