"""Administration of the SMS channel's quiet hours (issue 26 item 2); the service refuses
anyone but an administrator and names a wrong field."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import whole_number
from agent_workspace.models import Role
from agent_workspace.services.channels import quiet_hours
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_form import SwitchedForm
from agent_workspace.state.client_input import refusal
from agent_workspace.state.session import SessionState

FIELDS = ("start", "end", "reply_exempt_hours")


class QuietHoursAdminState(SwitchedForm, SessionState):
    enabled: bool = True
    start: str = "08:00"
    end: str = "21:00"
    state_rules: bool = True
    exempt_hours: str = "24"
    problems: dict[str, str] = {}

    def _show(self, hours: quiet_hours.QuietHours) -> None:
        self.enabled, self.start, self.end = hours.enabled, hours.start, hours.end
        self.state_rules, self.exempt_hours = hours.state_rules, str(hours.reply_exempt_hours)

    def _mark(self, problems: dict[str, str]) -> None:
        self.problems = {k: v for k, v in problems.items() if k in FIELDS}

    @rx.event
    async def load(self) -> None:
        await self._load(quiet_hours.quiet_hours)

    @rx.event
    def set_state_rules(self, value: bool) -> None:
        if self._kept(refusal(self, Role.ADMIN)):
            self.state_rules = value is True

    @rx.event
    def set_start(self, value: str) -> None:
        if self._typed(value, "The start", limit=8):
            self.start = value

    @rx.event
    def set_end(self, value: str) -> None:
        if self._typed(value, "The end", limit=8):
            self.end = value

    @rx.event
    def set_exempt_hours(self, value: str) -> None:
        if self._typed(value, "The hours", limit=8):
            self.exempt_hours = value

    @rx.event
    async def save(self) -> EventSpec | None:
        self.problems, self.error = {}, ""
        if (exempt_hours := whole_number(self.exempt_hours)) is None:
            self.problems = {"reply_exempt_hours": "Hours as a whole number, e.g. 24."}
            return None
        saved = await self._serve(
            Role.ADMIN,
            quiet_hours.update_quiet_hours,
            on_fields=self._mark,
            hours=quiet_hours.QuietHours(
                enabled=self.enabled,
                start=self.start,
                end=self.end,
                state_rules=self.state_rules,
                reply_exempt_hours=exempt_hours,
            ),
        )
        if isinstance(saved, ServiceError):
            return None
        self._show(saved)
        said = f"{saved.start}-{saved.end} their time" if saved.enabled else "off"
        return rx.toast.success(f"Quiet hours saved: {said}.")
