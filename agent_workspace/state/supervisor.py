"""The supervisor's board: live list of active interactions, and take-over."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import supervision
from agent_workspace.state.live import BOARD_LINK, SupervisorBoardFeed
from agent_workspace.state.session import LOGIN_ROUTE, SessionState


class SupervisorState(SessionState):
    """Every handler re-checks the supervisor role on the server."""

    refusal: str = ""

    @rx.event
    async def load(self) -> EventSpec | None:
        actor = await self._actor()
        self._show_actor(actor)
        if actor is None:
            return rx.redirect(LOGIN_ROUTE)
        try:
            rows = await self._off_loop(supervision.board, actor=actor)
        except ServiceError as refused:
            self.refusal = refused.message
            return None
        self.refusal = ""
        feed = await self._link_feed(SupervisorBoardFeed, BOARD_LINK)
        feed._show(rows)
        return None

    @rx.event
    async def take_over(self, interaction_id: int) -> EventSpec | list[EventSpec]:
        """Assigns the interaction to this supervisor and opens it."""
        try:
            number = await self._off_loop(
                supervision.take_over,
                actor=await self._require(Role.SUPERVISOR),
                interaction_id=interaction_id,
            )
        except ServiceError as refused:
            return rx.toast.error(refused.message)
        return [
            rx.toast.success(f"You now hold {number}."),
            rx.redirect(f"/interactions/{interaction_id}"),
        ]
