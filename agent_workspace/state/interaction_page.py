"""The interaction form: opening it links the tab to the interaction's live feed."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services import closing, conversation
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.live import ConversationFeed, conversation_token
from agent_workspace.state.session import SessionState


class InteractionPageState(SessionState):
    """Which interaction this tab shows, and why it cannot be shown if so."""

    interaction_id: int = 0
    load_error: str = ""

    def _route_id(self) -> int | None:
        raw = self.router.page.params.get("interaction_id", "")
        return int(raw) if str(raw).isdigit() else None

    @rx.event
    async def open(self) -> None:
        interaction_id = self._route_id()
        if interaction_id is None:
            self.load_error = "That is not an interaction number."
            return
        try:
            view = conversation.conversation(
                actor=self._require(Role.AGENT), interaction_id=interaction_id
            )
        except ServiceError as refused:
            self.load_error = refused.message
            return
        self.load_error = ""
        self.interaction_id = interaction_id
        feed = await self.get_state(ConversationFeed)
        feed = await feed._link_to(conversation_token(interaction_id))
        feed._show(view)

    @rx.event
    def close_interaction(self) -> EventSpec:
        """Closes the interaction as complete; every viewer sees the new state."""
        try:
            number = closing.close_by_agent(
                actor=self._require(Role.AGENT), interaction_id=self.interaction_id
            )
        except ServiceError as refused:
            return rx.toast.error(refused.message)
        return rx.toast.success(f"{number} is closed.")
