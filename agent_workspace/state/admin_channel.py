"""Administration of the SMS channel: its provider numbers and its profile resolver.

Every handler re-checks the admin role on the server (the services refuse anyone else).
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.phone import display_phone
from agent_workspace.models import Role
from agent_workspace.services.channels import admin, numbers
from agent_workspace.services.channels.numbers import NumberView
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState

DEFAULT_CHOICE = ""  # the radio value for "the deployment's default"


@dataclasses.dataclass
class NumberItem:
    id: int
    e164: str
    shown: str
    label: str


@dataclasses.dataclass
class ResolverItem:
    name: str
    description: str


class NumbersAdminState(SessionState):
    numbers: list[NumberItem] = []
    new_number: str = ""
    new_label: str = ""
    number_error: str = ""
    label_error: str = ""
    error: str = ""

    def _show(self, found: list[NumberView]) -> None:
        self.numbers = [NumberItem(n.id, n.e164, display_phone(n.e164), n.label) for n in found]

    def _mark(self, problems: dict[str, str]) -> None:
        self.number_error = problems.get("number", "")
        self.label_error = problems.get("label", "")

    @rx.event
    async def load(self) -> None:
        found = await self._serve(Role.ADMIN, numbers.list_numbers)
        if not isinstance(found, ServiceError):
            self._show(found)

    @rx.event
    def set_new_number(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The number"):
            self.number_error = problem
            return
        self.new_number = value

    @rx.event
    def set_new_label(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The label"):
            self.label_error = problem
            return
        self.new_label = value

    @rx.event
    async def add(self) -> EventSpec | None:
        self.number_error = self.label_error = self.error = ""
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        added = await self._serve(
            actor,
            numbers.add_number,
            on_fields=self._mark,
            number=self.new_number,
            label=self.new_label,
        )
        if isinstance(added, ServiceError):
            return None
        found = await self._serve(actor, numbers.list_numbers)
        if isinstance(found, ServiceError):
            return None
        self._show(found)
        self.new_number = self.new_label = ""
        return rx.toast.success(f"Added {added.shown}; agents can send from it now.")

    @rx.event
    async def remove(self, number_id: int) -> EventSpec | None:
        self.error = ""
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        removed = await self._serve(actor, numbers.remove_number, number_id=number_id)
        found = await self._serve(actor, numbers.list_numbers, show="")
        if not isinstance(found, ServiceError):  # show what is true now, whatever happened
            self._show(found)
        if isinstance(removed, ServiceError):
            return None
        return rx.toast.success(f"Removed {display_phone(removed)}.")


class ResolverAdminState(SessionState):
    installed: list[ResolverItem] = []
    chosen: str = DEFAULT_CHOICE  # what is saved
    selected: str = DEFAULT_CHOICE  # what the radio shows
    default_name: str = ""
    error: str = ""

    def _show(self, choice: admin.ResolverChoice) -> None:
        self.installed = [ResolverItem(r.name, r.description) for r in choice.installed]
        self.chosen = self.selected = choice.chosen or DEFAULT_CHOICE
        self.default_name = choice.default

    @rx.event
    async def load(self) -> None:
        choice = await self._serve(Role.ADMIN, admin.resolver_choice)
        if not isinstance(choice, ServiceError):
            self._show(choice)

    @rx.event
    def select(self, name: str) -> None:
        options = [DEFAULT_CHOICE, *(r.name for r in self.installed)]
        if problem := choice_refusal(self, Role.ADMIN, name, options, what="a resolver"):
            self.error = problem
            return
        self.selected = name

    @rx.event
    async def save(self) -> EventSpec | None:
        self.error = ""
        choice = await self._serve(Role.ADMIN, admin.choose_resolver, name=self.selected or None)
        if isinstance(choice, ServiceError):
            return None
        self._show(choice)
        used = choice.chosen or f"the default ({choice.default})"
        return rx.toast.success(f"The next Send uses {used}.")
