"""Administration of the SMS channel: its provider numbers and its profile resolver.

Every handler re-checks the admin role on the server (the services refuse anyone else).
"""

from __future__ import annotations

import contextlib
import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.phone import display_phone
from agent_workspace.models import Role
from agent_workspace.services.channels import admin, numbers
from agent_workspace.services.channels.numbers import NumberView
from agent_workspace.services.errors import FieldProblems, ServiceError
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

    @rx.event
    async def load(self) -> None:
        try:
            actor = await self._require(Role.ADMIN)
            self._show(await self._off_loop(numbers.list_numbers, actor=actor))
        except ServiceError as refused:
            self.error = refused.message

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
        try:
            actor = await self._require(Role.ADMIN)
            added = await self._off_loop(
                numbers.add_number, actor=actor, number=self.new_number, label=self.new_label
            )
            self._show(await self._off_loop(numbers.list_numbers, actor=actor))
        except FieldProblems as refused:
            self.number_error = refused.problems.get("number", "")
            self.label_error = refused.problems.get("label", "")
            return None
        except ServiceError as refused:
            self.error = refused.message
            return None
        self.new_number = self.new_label = ""
        return rx.toast.success(f"Added {added.shown}; agents can send from it now.")

    @rx.event
    async def remove(self, number_id: int) -> EventSpec | None:
        self.error = ""
        try:
            actor = await self._require(Role.ADMIN)
            removed = await self._off_loop(numbers.remove_number, actor=actor, number_id=number_id)
            result: EventSpec | None = rx.toast.success(f"Removed {display_phone(removed)}.")
        except ServiceError as refused:
            self.error = refused.message
            result = None
        with contextlib.suppress(ServiceError):  # show what is true now, whatever happened
            self._show(await self._off_loop(numbers.list_numbers, actor=await self._actor()))
        return result


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
        try:
            actor = await self._require(Role.ADMIN)
            self._show(await self._off_loop(admin.resolver_choice, actor=actor))
        except ServiceError as refused:
            self.error = refused.message

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
        try:
            actor = await self._require(Role.ADMIN)
            choice = await self._off_loop(
                admin.choose_resolver, actor=actor, name=self.selected or None
            )
        except ServiceError as refused:
            self.error = refused.message
            return None
        self._show(choice)
        used = choice.chosen or f"the default ({choice.default})"
        return rx.toast.success(f"The next Send uses {used}.")
