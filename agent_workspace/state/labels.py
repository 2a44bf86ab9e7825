"""The labels in a conversation's header: shown as badges, added and removed by whoever works
on it (the service checks; a change elsewhere is followed live)."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import labels as labels_service
from agent_workspace.state.client_input import choice_refusal, refusal
from agent_workspace.state.live import LabelItem
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice


class LabelsState(SessionState):
    labels: list[LabelItem] = []
    label_choices: list[Choice] = []  # the labels it does not carry yet ("Add label")
    labels_error: str = ""

    async def _read(self, who: Role | Actor, *, show: str = "labels_error") -> None:
        """The interaction's labels as they are now, if this tab may see them."""
        interaction_id = self._interaction_in_url()
        if not interaction_id:
            self.labels, self.label_choices = [], []
            return
        view = await self._serve(
            who, labels_service.interaction_labels, show=show, interaction_id=interaction_id
        )
        if isinstance(view, ServiceError):
            return
        self.labels = [LabelItem(x.id, x.name, x.colour) for x in view.on]
        self.label_choices = [Choice(str(x.id), x.name) for x in view.others]

    @rx.event
    async def load(self) -> None:
        """on_load of an interaction: its labels."""
        self.labels_error = ""
        if self._interaction_in_url():
            await self._read(Role.AGENT)
        else:
            self.labels, self.label_choices = [], []

    @rx.event
    async def follow(self, _key: str = "") -> None:
        """The interaction changed (a label added elsewhere, renamed, deleted): show it."""
        if self._interaction_in_url() and not refusal(self, Role.AGENT):
            await self._read(Role.AGENT, show="")

    @rx.event
    async def add_label(self, value: str) -> EventSpec | None:
        options = [c.value for c in self.label_choices]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="a label"):
            self.labels_error = problem
            return None
        name = next(c.label for c in self.label_choices if c.value == value)
        return await self._change(labels_service.add_label, int(value), f"Added the label {name}.")

    @rx.event
    async def remove_label(self, label_id: int) -> EventSpec | None:
        if problem := refusal(self, Role.AGENT):
            self.labels_error = problem
            return None
        shown = {x.id: x.name for x in self.labels}
        if not is_row_id(label_id) or label_id not in shown:
            self.labels_error = "That label is not on this interaction."
            return None
        return await self._change(
            labels_service.remove_label, label_id, f"Removed the label {shown[label_id]}."
        )

    async def _change(
        self, service: Callable[..., bool], label_id: int, done: str
    ) -> EventSpec | None:
        self.labels_error = ""
        if (actor := await self._actor_as(Role.AGENT, show="labels_error")) is None:
            return None
        interaction_id = self._interaction_in_url()
        if not interaction_id:
            self.labels_error = "Open an interaction first."
            return None
        changed = await self._serve(
            actor,
            service,
            show="labels_error",
            interaction_id=interaction_id,
            label_id=label_id,
        )
        await self._read(actor, show="")
        if isinstance(changed, ServiceError):
            return None
        return rx.toast.success(done)
