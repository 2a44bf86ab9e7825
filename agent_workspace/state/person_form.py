"""The person form: create a person from New, edit the interaction's person from their panel,
or save an unknown number's stand-in ("Unknown (+1…)") as a person.

Which person is edited comes from the interaction in the tab's URL, never from the client. A
number that is already someone else's is offered back (services/people/editing.py): from New
the agent may pick that person; for a stand-in, say it is them (the conversation moves to
them); or save anyway, sharing the number on purpose.
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.people import (
    PersonFields,
    is_placeholder,
    person_of_value,
    person_value,
)
from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import details as details_service
from agent_workspace.services.people import editing
from agent_workspace.services.people.directory import PersonView
from agent_workspace.state.client_input import choice_refusal, refusal, typed_refusal
from agent_workspace.state.details import DetailsState
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice, person_choice

FIELDS = (
    "first_name",
    "last_name",
    "mobile",
    "other_numbers",
    "email",
    "account",
    "country",
    "time_zone",
)
NEW, EDIT = "new", "edit"


class PersonFormState(SessionState):
    purpose: str = ""  # NEW (inside New), EDIT (the person panel), "" closed
    stand_in: bool = False  # editing an unknown number's stand-in: "Save as a person"
    values: dict[str, str] = {}
    errors: dict[str, str] = {}
    error: str = ""
    offered: list[Choice] = []  # people who already have one of the numbers
    _ref: str = ""  # the person edited (from the URL's interaction), "" for a new one

    def _reset(self, purpose: str, values: dict[str, str]) -> None:
        self.purpose, self.values = purpose, values
        self.errors, self.error, self.offered = {}, "", []

    @rx.event
    def start_new(self) -> None:
        """New → Create a person: an empty form inside the New dialog."""
        if refusal(self, Role.AGENT):
            return
        self._ref, self.stand_in = "", False
        self._reset(NEW, dict.fromkeys(FIELDS, ""))

    @rx.event
    async def start_edit(self) -> EventSpec | None:
        """The person panel's Edit person (or Save as a person): the interaction's person."""
        self.error = ""
        try:
            actor = await self._require(Role.AGENT)
            view = await self._off_loop(
                details_service.details,
                actor=actor,
                interaction_id=self._interaction_in_url() or 0,
            )
            if view.person is None:
                return rx.toast.error("This interaction is about nobody yet: choose a person.")
            fields = await self._off_loop(editing.person_fields, actor=actor, ref=view.person)
        except ServiceError as refused:
            return rx.toast.error(refused.message)
        self._ref = person_value(view.person)
        first, _, last = view.person_name.partition(" ")
        self.stand_in = is_placeholder(first, last)
        self._reset(EDIT, {f: getattr(fields, f) for f in FIELDS})
        return None

    @rx.event
    def set_value(self, field: str, value: str) -> None:
        if problem := choice_refusal(self, Role.AGENT, field, FIELDS, what="a field"):
            self.error = problem
            return
        if problem := typed_refusal(self, Role.AGENT, value, what="The value"):
            self.errors = {**self.errors, field: problem}
            return
        self.values = {**self.values, field: value}

    @rx.event
    def cancel(self) -> None:
        self.purpose, self.offered = "", []

    @rx.event
    async def save(self) -> EventSpec | list[EventSpec] | None:
        return await self._save(share=False)

    @rx.event
    async def save_shared(self) -> EventSpec | list[EventSpec] | None:
        """Save anyway: the number is shared on purpose (a family phone)."""
        return await self._save(share=True)

    async def _save(self, *, share: bool) -> EventSpec | list[EventSpec] | None:
        if self.purpose not in (NEW, EDIT):
            return None
        fields = PersonFields(**{f: str(self.values.get(f, "")) for f in FIELDS})
        self.errors, self.error, self.offered = {}, "", []
        if (actor := await self._actor_as(Role.AGENT)) is None:
            return None
        if self.purpose == NEW:
            view = await self._serve(
                actor,
                editing.create_person,
                on_fields=self._mark,
                fields=fields,
                share_numbers=share,
            )
            if isinstance(view, ServiceError):
                self._offer(view)
                return None
            return await self._chosen_in_new(view, f"{view.name} added.")
        ref = person_of_value(self._ref)
        if ref is None:
            return None
        saved = await self._serve(
            actor,
            editing.update_person,
            on_fields=self._mark,
            ref=ref,
            fields=fields,
            share_numbers=share,
        )
        if isinstance(saved, ServiceError):
            self._offer(saved)
            return None
        self.purpose = ""
        said = f"{saved.person.name} saved." if saved.changed else "Nothing to save: no changes."
        return [rx.toast.success(said), DetailsState.load]

    def _mark(self, problems: dict[str, str]) -> None:
        self.errors = dict(problems)

    def _offer(self, refused: ServiceError) -> None:
        """A number already someone else's: those people are offered (the message is shown)."""
        if isinstance(refused, editing.DuplicateNumbers):
            self.offered = [person_choice(v) for v in refused.owners]

    @rx.event
    async def use_offered(self, value: str) -> EventSpec | list[EventSpec] | None:
        """From New: that person is the one. For a stand-in: the number is theirs, and the
        conversation moves to them."""
        options = [c.value for c in self.offered]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="the person"):
            self.error = problem
            return None
        ref = person_of_value(value)
        if ref is None:
            return None
        if (actor := await self._actor_as(Role.AGENT)) is None:
            return None
        if self.purpose == NEW:
            found = await self._serve(actor, editing.person_view, ref=ref)
            if isinstance(found, ServiceError):
                return None
            return await self._chosen_in_new(found, f"{found.name} chosen.")
        stand_in = person_of_value(self._ref)
        if stand_in is None:
            return None
        merged = await self._serve(actor, editing.merge_placeholder, placeholder=stand_in, into=ref)
        if isinstance(merged, ServiceError):
            return None
        self.purpose, self.offered = "", []
        return [rx.toast.success(f"This number is {merged.name}'s now."), DetailsState.load]

    async def _chosen_in_new(self, view: PersonView, said: str) -> EventSpec:
        """The New dialog shows the person chosen, ready to Create."""
        self.purpose, self.offered = "", []
        new = await self.get_state(MyInteractionsState)
        choice = person_choice(view)
        new.people = [choice, *(c for c in new.people if c.value != choice.value)]
        new.new_person, new.new_error = choice.value, ""
        return rx.toast.success(said)
