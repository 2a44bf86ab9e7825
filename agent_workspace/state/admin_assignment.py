"""Administration of the SMS channel's automatic assignment (issue 27 item 2); the service
refuses anyone but an administrator and names a wrong field."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.channels import assignment
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.client_input import refusal, typed_refusal
from agent_workspace.state.session import SessionState


class AssignmentAdminState(SessionState):
    enabled: bool = False
    capacity: str = "5"
    problem: str = ""  # the capacity's
    error: str = ""

    def _show(self, setting: assignment.Assignment) -> None:
        self.enabled, self.capacity = setting.enabled, str(setting.capacity)

    @rx.event
    async def load(self) -> None:
        found = await self._serve(Role.ADMIN, assignment.assignment, show="")
        if not isinstance(found, ServiceError):
            self._show(found)

    @rx.event
    def set_enabled(self, value: bool) -> None:
        if problem := refusal(self, Role.ADMIN):
            self.error = problem
            return
        self.enabled = value is True

    @rx.event
    def set_capacity(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The capacity", limit=8):
            self.error = problem
            return
        self.capacity = value

    @rx.event
    async def save(self) -> EventSpec | None:
        self.problem, self.error = "", ""
        if not self.capacity.strip().isdigit():
            self.problem = "Open conversations per agent as a whole number, e.g. 5."
            return None
        saved = await self._serve(
            Role.ADMIN,
            assignment.update_assignment,
            on_fields=lambda problems: setattr(self, "problem", problems.get("capacity", "")),
            setting=assignment.Assignment(
                enabled=self.enabled, capacity=int(self.capacity.strip())
            ),
        )
        if isinstance(saved, ServiceError):
            return None
        self._show(saved)
        said = f"on, {saved.capacity} per agent" if saved.enabled else "off"
        return rx.toast.success(f"Automatic assignment saved: {said}.")
