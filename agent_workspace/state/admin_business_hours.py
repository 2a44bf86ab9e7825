"""Administration of the channel's business hours and its after-hours auto-reply (issue 27
items 8 and 9); the services refuse anyone but an administrator and name each wrong field."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.after_hours import reply_size
from agent_workspace.models import Role
from agent_workspace.services.channels import after_hours, business_hours
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_form import AdminForm, SwitchedForm
from agent_workspace.state.session import SessionState

FIELDS = ("zone", "hours", "holidays")


class BusinessHoursAdminState(AdminForm, SessionState):
    zone: str = ""
    hours: str = ""
    holidays: str = ""
    is_set: bool = False  # what is stored, not what is typed
    problems: dict[str, str] = {}

    def _show(self, saved: business_hours.BusinessHours) -> None:
        self.zone, self.hours, self.holidays = saved.zone, saved.hours, saved.holidays
        self.is_set = saved.is_set

    def _mark(self, problems: dict[str, str]) -> None:
        self.problems = {k: v for k, v in problems.items() if k in FIELDS}

    @rx.event
    async def load(self) -> None:
        await self._load(business_hours.business_hours)

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


class AutoReplyAdminState(SwitchedForm, SessionState):
    """The after-hours auto-reply's form (issue 27 item 9)."""

    text: str = ""
    size: str = ""  # the text's length in characters and SMS segments
    problems: dict[str, str] = {}

    def _show(self, saved: after_hours.AutoReply) -> None:
        self.enabled, self.text = saved.enabled, saved.text
        self.size = reply_size(saved.text) if saved.text else ""

    @rx.event
    async def load(self) -> None:
        await self._load(after_hours.auto_reply_setting)

    @rx.event
    def set_text(self, value: str) -> None:
        if not self._typed(value, "The auto-reply"):
            return
        self.text = value
        self.size = reply_size(value) if value else ""

    @rx.event
    async def save(self) -> EventSpec | None:
        self.problems, self.error = {}, ""
        saved = await self._serve(
            Role.ADMIN,
            after_hours.update_auto_reply,
            on_fields=lambda found: setattr(self, "problems", found),
            setting=after_hours.AutoReply(enabled=self.enabled, text=self.text),
        )
        if isinstance(saved, ServiceError):
            return None
        self._show(saved)
        return rx.toast.success(f"Auto-reply saved: {'on' if saved.enabled else 'off'}.")
