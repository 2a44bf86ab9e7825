"""Administration of labels (admins only, re-checked in every handler)."""

from __future__ import annotations

import functools

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.labels import PALETTE
from agent_workspace.models import Role
from agent_workspace.services import labels
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_form import TableForm
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.live import LabelItem
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice

COLOURS = [Choice(c, c.capitalize()) for c in PALETTE]


class LabelsAdminState(TableForm, SessionState):
    labels: list[LabelItem] = []
    colours: list[Choice] = COLOURS
    name: str = ""
    colour: str = PALETTE[0]
    name_error: str = ""
    colour_error: str = ""

    async def _reload(self, who: Role | Actor, *, show: str = "") -> None:
        found = await self._serve(who, labels.list_labels, show=show)
        if not isinstance(found, ServiceError):
            self.labels = [LabelItem(x.id, x.name, x.colour) for x in found]

    def _mark(self, problems: dict[str, str]) -> None:
        self.name_error = problems.get("name", "")
        self.colour_error = problems.get("colour", "")

    @rx.event
    async def load(self) -> None:
        await self._reload(Role.ADMIN, show="error")

    @rx.event
    def set_name(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The name", limit=200):
            self.name_error = problem
            return
        self.name, self.name_error = value, ""

    @rx.event
    def set_colour(self, value: str) -> None:
        if problem := choice_refusal(self, Role.ADMIN, value, PALETTE, what="a colour"):
            self.colour_error = problem
            return
        self.colour, self.colour_error = value, ""

    @rx.event
    def edit(self, label_id: int) -> None:
        for label in self.labels:
            if label.id == label_id:
                self.editing_id, self.name, self.colour = label.id, label.name, label.colour
        self.name_error = self.colour_error = self.error = ""

    def _close_row(self) -> None:
        self.editing_id, self.name, self.colour = 0, "", PALETTE[0]
        self.name_error = self.colour_error = ""

    @rx.event
    async def save(self) -> EventSpec | None:
        save = (
            functools.partial(labels.update_label, label_id=self.editing_id)
            if self.editing_id
            else labels.create_label
        )
        return await self._save(
            save,
            lambda label: f"Saved the label {label.name!r}.",
            name=self.name,
            colour=self.colour,
        )

    @rx.event
    async def delete(self, label_id: int) -> EventSpec | None:
        return await self._delete(
            labels.delete_label,
            lambda name: f"Deleted the label {name!r}; it is off every interaction.",
            label_id=label_id,
        )
