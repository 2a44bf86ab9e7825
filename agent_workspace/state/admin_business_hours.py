"""Administration of the channel's business hours (issue 27 items 8 and 9); the service refuses
anyone but an administrator and names each wrong field."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.channels import business_hours
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.client_input import typed_refusal
from agent_workspace.state.session import SessionState

FIELDS = ("zone", "hours", "holidays")


class BusinessHoursAdminState(SessionState):
    zone: str = ""
    hours: str = ""
    holidays: str = ""
    is_set: bool = False  # what is stored, not what is typed
    problems: dict[str, str] = {}
    error: str = ""

    def _show(self, saved: business_hours.BusinessHours) -> None:
        self.zone, self.hours, self.holidays = saved.zone, saved.hours, saved.holidays
        self.is_set = saved.is_set

    def _mark(self, problems: dict[str, str]) -> None:
        self.problems = {k: v for k, v in problems.items() if k in FIELDS}

    @rx.event
    async def load(self) -> None:
        found = await self._serve(Role.ADMIN, business_hours.business_hours, show="")
        if not isinstance(found, ServiceError):
            self._show(found)

    def _typed(self, value: object, what: str) -> bool:
        """Whether `value` may be kept: an administrator's, and text within bounds."""
        if problem := typed_refusal(self, Role.ADMIN, value, what=what):
            self.error = problem
            return False
        return True

    @rx.event
    def set_zone(self, value: str) -> None:
        if self._typed(value, "The time zone"):
            self.zone = value

    @rx.event
    def set_hours(self, value: str) -> None:
        if self._typed(value, "The hours"):
            self.hours = value

    @rx.event
    def set_holidays(self, value: str) -> None:
        if self._typed(value, "The holidays"):
            self.holidays = value

    @rx.event
    async def save(self) -> EventSpec | None:
        self.problems, self.error = {}, ""
        saved = await self._serve(
            Role.ADMIN,
            business_hours.update_business_hours,
            on_fields=self._mark,
            hours=business_hours.BusinessHours(self.zone, self.hours, self.holidays),
        )
        if isinstance(saved, ServiceError):
            return None
        self._show(saved)
        return rx.toast.success(f"Business hours saved: {saved.hours} ({saved.zone}).")

    @rx.event
    async def clear(self) -> EventSpec | None:
        self.problems, self.error = {}, ""
        cleared = await self._serve(Role.ADMIN, business_hours.clear_business_hours)
        if isinstance(cleared, ServiceError):
            return None
        self._show(cleared)
        return rx.toast.success("Business hours cleared: the desk counts calendar time.")
