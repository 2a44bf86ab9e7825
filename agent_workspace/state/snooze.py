"""The Snooze dialog of the open conversation: quick choices (1 hour, tomorrow 09:00, until
they reply) or the agent's own words ("2h", "mon 09:00"), read in the tab's time zone; and
"Wake now" for a snoozed one. The service decides everything
(services/interactions/snooze.py); this state holds what the dialog shows."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import snooze as snooze_service
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState

# The dialog's quick choices: what the parser reads, and the button's words.
QUICK = (("1h", "1 hour"), ("tomorrow 09:00", "Tomorrow 09:00"), ("reply", "Until they reply"))
LONGEST_WORDS = 64


class SnoozeState(SessionState):
    snooze_open: bool = False
    snooze_text: str = ""
    snooze_error: str = ""

    @rx.event
    def open_snooze(self) -> None:
        """The Snooze button: the dialog, empty."""
        self.snooze_open, self.snooze_text, self.snooze_error = True, "", ""

    @rx.event
    def cancel_snooze(self) -> None:
        self.snooze_open, self.snooze_text, self.snooze_error = False, "", ""

    @rx.event
    def set_snooze_text(self, value: str) -> None:
        problem = typed_refusal(self, Role.AGENT, value, what="When", limit=LONGEST_WORDS)
        if problem:
            self.snooze_error = problem
            return
        self.snooze_text, self.snooze_error = value, ""

    @rx.event
    async def snooze_quick(self, choice: str) -> EventSpec | None:
        """One of the quick choices."""
        options = [value for value, _ in QUICK]
        if problem := choice_refusal(self, Role.AGENT, choice, options, what="a snooze"):
            self.snooze_error = problem
            return None
        return await self._snooze(choice)

    @rx.event
    async def snooze_typed(self) -> EventSpec | None:
        """The agent's own words, e.g. "2h" or "mon 09:00"."""
        return await self._snooze(self.snooze_text)

    @rx.event
    async def wake_now(self) -> EventSpec | None:
        """ "Wake now": back in My Interactions at once."""
        number = await self._serve(
            Role.AGENT,
            snooze_service.wake_now,
            show="",
            interaction_id=self._interaction_in_url() or 0,
        )
        if isinstance(number, ServiceError):
            return rx.toast.error(number.message)
        return rx.toast.success(f"{number} is back in My Interactions.")

    async def _snooze(self, choice: str) -> EventSpec | None:
        done = await self._serve(
            Role.AGENT,
            snooze_service.snooze,
            show="",
            interaction_id=self._interaction_in_url() or 0,
            choice=choice,
            zone=self.time_zone,
        )
        if isinstance(done, ServiceError):
            self.snooze_error = done.message
            return None
        self.cancel_snooze()
        return rx.toast.success(f"{done.number} is snoozed. {done.words}.")
