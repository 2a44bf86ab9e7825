"""My Interactions: the signed-in agent's list (live), closed ones on request, and New."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import SEARCH_CHARS
from agent_workspace.domain.people import person_of_value
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import lifecycle
from agent_workspace.services.people import directory as people
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice, person_choice


class MyInteractionsState(SessionState):
    """The list on Agent Workspace Home, and the New interaction dialog."""

    error: str = ""
    new_open: bool = False
    people: list[Choice] = []
    new_person: str = ""
    new_type: str = InteractionType.PHONE.value
    new_description: str = ""
    new_error: str = ""
    new_query: str = ""

    @rx.event
    async def open_new(self) -> None:
        """The New button: a dialog asking who the interaction is about."""
        found = await self._serve(Role.AGENT, people.list_people)
        if isinstance(found, ServiceError):
            return
        self.people = [person_choice(p) for p in found]
        self.new_person, self.new_description, self.new_error = "", "", ""
        self.new_query = ""
        self.new_type = InteractionType.PHONE.value
        self.new_open = True

    @rx.event
    async def find_person(self, text: str) -> None:
        """Narrows New's list to the people whose name or number matches (the list holds the
        first 1,000 by name; an imported directory has many more)."""
        if problem := typed_refusal(self, Role.AGENT, text, what="The search", limit=SEARCH_CHARS):
            self.new_error = problem
            return
        self.new_query = text
        if len(text.strip()) >= 2:
            found = await self._serve(Role.AGENT, people.search_people, show="new_error", text=text)
        else:
            found = await self._serve(Role.AGENT, people.list_people, show="new_error")
        if isinstance(found, ServiceError):
            return
        chosen = [c for c in self.people if c.value == self.new_person]
        shown = [person_choice(p) for p in found]
        self.people = chosen + [c for c in shown if c.value != self.new_person]
        self.new_error = ""

    @rx.event
    def set_new_open(self, value: bool) -> None:
        self.new_open = value is True

    @rx.event
    def set_new_person(self, value: str) -> None:
        options = [c.value for c in self.people]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="the person"):
            self.new_error = problem
            return
        self.new_person = value

    @rx.event
    def set_new_type(self, value: str) -> None:
        options = [t.value for t in lifecycle.NEW_TYPES]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="the type"):
            self.new_error = problem
            return
        self.new_type = value

    @rx.event
    def set_new_description(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The description"):
            self.new_error = problem
            return
        self.new_description = value

    @rx.event
    async def create_new(self) -> EventSpec | None:
        person = person_of_value(self.new_person)
        if person is None:
            self.new_error = "Choose the consumer or contact the interaction is about."
            return None
        if self.new_type not in {t.value for t in InteractionType}:
            self.new_error = "Choose the type of interaction."
            return None
        row = await self._serve(
            Role.AGENT,
            lifecycle.create_interaction,
            show="new_error",
            type=InteractionType(self.new_type),
            person=person,
            short_description=self.new_description,
        )
        if isinstance(row, ServiceError):
            return None
        self.new_open = False
        return rx.redirect(f"/interactions/{row.id}")
