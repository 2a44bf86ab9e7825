"""My Interactions: the signed-in agent's list, and the New button."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import InteractionType, Role
from agent_workspace.services import interactions
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.session import SessionState


@dataclasses.dataclass
class InteractionItem:
    """A row of the list as the page shows it (plain values, never ORM rows)."""

    id: int
    number: str
    type: str
    state: str
    person_name: str
    phone: str
    assigned_to: str
    updated: str


def _item(row: interactions.InteractionRow) -> InteractionItem:
    return InteractionItem(
        id=row.id,
        number=row.number,
        type=row.type,
        state=row.state.replace("_", " "),
        person_name=row.person_name,
        phone=row.phone,
        assigned_to=row.assigned_to,
        updated=row.updated_at.strftime("%Y-%m-%d %H:%M UTC"),
    )


class MyInteractionsState(SessionState):
    """The list on Agent Workspace Home."""

    items: list[InteractionItem] = []
    include_closed: bool = False
    error: str = ""

    @rx.event
    def load(self) -> None:
        self._refresh()

    def _refresh(self) -> None:
        try:
            rows = interactions.list_my_interactions(
                actor=self._actor(), include_closed=self.include_closed
            )
        except ServiceError as refused:
            self.items = []
            self.error = refused.message
            return
        self.error = ""
        self.items = [_item(r) for r in rows]

    @rx.event
    def set_include_closed(self, value: bool) -> None:
        self.include_closed = value
        self._refresh()

    @rx.event
    def new_interaction(self) -> EventSpec | None:
        """The New button: an interaction assigned to this agent, opened for editing."""
        try:
            actor = self._require(Role.AGENT)
            row = interactions.create_interaction(
                actor=actor, type=InteractionType.MESSAGING, person=None
            )
        except ServiceError as refused:
            return rx.toast.error(refused.message)
        return rx.redirect(f"/interactions/{row.id}")
