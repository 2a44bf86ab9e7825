"""My Interactions: the signed-in agent's list (live), closed ones on request, and New."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import InteractionType, Role
from agent_workspace.services import interactions
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.live import AgentListFeed, agent_token
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import InteractionItem, interaction_item


class MyInteractionsState(SessionState):
    """The list on Agent Workspace Home."""

    include_closed: bool = False
    closed_items: list[InteractionItem] = []
    error: str = ""

    @rx.event
    async def load(self) -> None:
        try:
            actor = self._require(Role.AGENT)
        except ServiceError as refused:
            self.error = refused.message
            return
        self.error = ""
        feed = await self.get_state(AgentListFeed)
        feed = await feed._link_to(agent_token(actor.user_id))
        feed._show(interactions.list_my_interactions(actor=actor))
        self._load_closed()

    def _load_closed(self) -> None:
        if not self.include_closed:
            self.closed_items = []
            return
        rows = interactions.list_my_interactions(actor=self._actor(), include_closed=True)
        self.closed_items = [interaction_item(r) for r in rows if not r.is_active]

    @rx.event
    def set_include_closed(self, value: bool) -> None:
        self.include_closed = value
        try:
            self._load_closed()
        except ServiceError as refused:
            self.error = refused.message

    @rx.event
    def new_interaction(self) -> EventSpec | None:
        """The New button: an empty messaging interaction assigned to this agent."""
        try:
            row = interactions.create_interaction(
                actor=self._require(Role.AGENT), type=InteractionType.MESSAGING, person=None
            )
        except ServiceError as refused:
            return rx.toast.error(refused.message)
        return rx.redirect(f"/interactions/{row.id}")
