"""The Details tab (editable) and the person's panel beside the conversation."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.consumer_time import ConsumerZone
from agent_workspace.domain.details import case_number_problem
from agent_workspace.domain.people import person_of_value, person_value
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import ACTIVE_STATES, InteractionState, Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import details as details_service
from agent_workspace.services.interactions import work
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.services.people import directory
from agent_workspace.state.client_input import choice_refusal, refusal, typed_refusal
from agent_workspace.state.session import SessionState
from agent_workspace.state.their_time import TheirTimeMixin
from agent_workspace.state.views import Choice, iso, person_choice

SHOWN_CANDIDATES = 4  # zones a hint names before "…"
STATE_LABELS = {s.value: s.value.replace("_", " ").capitalize() for s in InteractionState}


@dataclasses.dataclass
class NumberItem:
    number: str
    kind: str
    opted_out: str  # "Opted out of Support line" or ""


@dataclasses.dataclass
class ConsentItem:
    at: str  # ISO 8601 UTC; the browser shows it in its own time zone
    what: str  # "Opted out of Support line" / "Opted in to Support line"
    number: str
    source: str  # 'Texted "STOP"', "Alice Agent: asked by phone", …


@dataclasses.dataclass
class OtherItem:
    id: int
    number: str
    type: str
    state: str
    active: bool


class DetailsState(TheirTimeMixin, SessionState):
    interaction_id: int = 0
    number: str = ""
    person_value: str = ""
    person_label: str = ""
    person_query: str = ""
    person_results: list[Choice] = []
    account: str = ""
    case_number: str = ""
    short_description: str = ""
    state_value: str = ""
    state_options: list[Choice] = []
    assigned_to: str = ""
    numbers: list[NumberItem] = []
    others: list[OtherItem] = []
    consent: list[ConsentItem] = []
    case_error: str = ""
    description_error: str = ""
    save_error: str = ""
    confirm: str = ""  # the question a Save that moves the number to another person asks
    zone_label: str = ""  # the panel's "Time zone": "Asia/Tokyo (set on the person)"
    zone_hint: str = ""  # their number spans several zones and none is set: set one
    _seen: dict[str, str] = {}  # each editable field as the form last showed it stored

    @rx.event
    async def load(self) -> None:
        """on_load of an interaction: its details and the person's panel."""
        self.interaction_id = self._interaction_in_url() or 0
        if not self.interaction_id:
            return
        view = await self._serve(
            Role.AGENT,
            details_service.details,
            show="save_error",
            interaction_id=self.interaction_id,
        )
        if not isinstance(view, ServiceError):
            self._show(view)

    def _form(self) -> dict[str, str]:
        """The editable fields as the form holds them now."""
        return {
            "person": self.person_value,
            "case_number": self.case_number.strip().upper(),
            "short_description": self.short_description.strip(),
            "state": self.state_value,
        }

    def _edited(self) -> set[str]:
        """The fields the agent changed since the form last showed the stored values."""
        form = self._form()
        return {field for field, value in form.items() if value != self._seen.get(field, "")}

    def _show(self, view: details_service.DetailsView, *, keep_edits: bool = False) -> None:
        """Shows the stored values; with `keep_edits`, what the agent is editing stays (and
        stays compared with what they saw: a Save over a change made meanwhile is refused)."""
        edited = self._edited() if keep_edits else set()
        stored = {
            "person": person_value(view.person) if view.person else "",
            "case_number": view.case_number,
            "short_description": view.short_description,
            "state": view.state,
        }
        self._seen = {f: self._seen.get(f, "") if f in edited else v for f, v in stored.items()}
        self.number = view.number
        if "person" not in edited:
            self.person_value, self.person_label = stored["person"], view.person_name
            self.person_query, self.person_results = "", []
        self.account = view.account
        if "case_number" not in edited:
            self.case_number = view.case_number
        if "short_description" not in edited:
            self.short_description = view.short_description
        if "state" not in edited:
            self.state_value = view.state
        active = InteractionState(view.state) in ACTIVE_STATES
        allowed = [s for s in InteractionState if active or s.value == view.state]
        self.state_options = [Choice(s.value, STATE_LABELS[s.value]) for s in allowed]
        self.assigned_to = view.assigned_to
        self.numbers = [
            NumberItem(
                display_phone(n.e164),
                n.kind,
                f"Opted out of {', '.join(n.opted_out_from)}" if n.opted_out_from else "",
            )
            for n in view.numbers
        ]
        self.others = [
            OtherItem(o.id, o.number, o.type, STATE_LABELS.get(o.state, o.state), o.active)
            for o in view.others
        ]
        self.consent = [
            ConsentItem(
                iso(c.at),
                f"Opted out of {c.sender}" if c.opted_out else f"Opted in to {c.sender}",
                display_phone(c.phone),
                c.source,
            )
            for c in view.consent
        ]
        self._show_zone(view.where)
        if not keep_edits:
            self.case_error = self.description_error = self.save_error = self.confirm = ""

    def _show_zone(self, where: ConsumerZone | None) -> None:
        self._show_their_time(where)  # beside their number in the header
        self.zone_label = self.zone_hint = ""
        if where is None:
            return
        if where.zone is not None:
            whence = "set on the person" if where.stored else "from their number"
            self.zone_label = f"{where.zone} ({whence})"
        elif where.several:
            named = ", ".join(where.candidates[:SHOWN_CANDIDATES])
            more = ", …" if len(where.candidates) > SHOWN_CANDIDATES else ""
            self.zone_hint = (
                f"Their number spans several time zones ({named}{more}): set the person's "
                "time zone (Edit person, below) to see their time."
            )

    @rx.event
    async def follow(self, _key: str = "") -> None:
        """The interaction changed (picked up, reassigned, closed, another agent's save): the
        form shows it at once, keeping what this agent is editing."""
        if not self.interaction_id or refusal(self, Role.AGENT):
            return
        view = await self._serve(  # a refusal: the conversation pane says why
            Role.AGENT, details_service.details, show="", interaction_id=self.interaction_id
        )
        if not isinstance(view, ServiceError):
            self._show(view, keep_edits=True)

    @rx.event
    async def search_person(self, text: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, text, what="The lookup"):
            self.save_error = problem
            return
        self.person_query = text
        if len(text.strip()) < 2:
            self.person_results = []
            return
        found = await self._serve(Role.AGENT, directory.search_people, show="save_error", text=text)
        if isinstance(found, ServiceError):
            return
        self.person_results = [person_choice(p) for p in found]

    @rx.event
    def choose_person(self, value: str, label: str) -> None:
        """One of the people the lookup found (its label is the server's, not the client's)."""
        options = {c.value: c.label for c in self.person_results}
        if problem := choice_refusal(self, Role.AGENT, value, options, what="the person"):
            self.save_error = problem
            return
        self.person_value, self.person_label = value, options[value].split(" · ")[0]
        self.person_query, self.person_results = "", []

    @rx.event
    def set_case_number(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The case number"):
            self.case_error = problem
            return
        self.case_number = value
        self.case_error = ""

    @rx.event
    def set_short_description(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The short description"):
            self.description_error = problem
            return
        self.short_description = value
        too_long = len(value.strip()) > work.MAX_DESCRIPTION
        self.description_error = (
            f"At most {work.MAX_DESCRIPTION} characters ({len(value.strip())} now)."
            if too_long
            else ""
        )

    @rx.event
    def set_state_value(self, value: str) -> None:
        options = [c.value for c in self.state_options]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="the state"):
            self.save_error = problem
            return
        self.state_value = value

    @rx.event
    def cancel_confirm(self) -> None:
        self.confirm = ""

    @rx.event
    async def save_confirmed(self) -> EventSpec | None:
        """The agent said yes to what the Save asked."""
        return await self._save(confirmed=True)

    @rx.event
    async def save(self) -> EventSpec | None:
        return await self._save(confirmed=False)

    async def _save(self, *, confirmed: bool) -> EventSpec | None:
        """Sends the fields the agent edited, each with the value the form showed: what they
        left alone is never sent, so it cannot undo a change made meanwhile."""
        case = self.case_number.strip().upper()
        self.case_error = case_number_problem(case)
        if self.case_error or self.description_error:
            return None
        edited = self._edited()
        person = person_of_value(self.person_value)
        change = work.DetailsChange(
            person=person if "person" in edited else None,
            clear_person="person" in edited and person is None,
            case_number=case if "case_number" in edited else None,
            short_description=self.short_description if "short_description" in edited else None,
            state=InteractionState(self.state_value) if "state" in edited else None,
            confirmed=confirmed,
            seen=dict(self._seen),
        )
        try:
            actor = await self._require(Role.AGENT)
            changed = await self._off_loop(
                work.update_details,
                actor=actor,
                interaction_id=self.interaction_id,
                change=change,
            )
            view = await self._off_loop(
                details_service.details, actor=actor, interaction_id=self.interaction_id
            )
        except ConfirmationNeeded as question:
            self.confirm, self.save_error = question.message, ""
            return None
        except ServiceError as refused:
            self.save_error, self.confirm = refused.message, ""
            return None
        self._show(view)
        return rx.toast.success("Details saved." if changed else "Nothing to save: no changes.")
