"""Administration of the SMS channel's automatic assignment (issue 27 item 2); the service
refuses anyone but an administrator and names a wrong field."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import whole_number
from agent_workspace.models import Role
from agent_workspace.services.channels import assignment
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_form import SwitchedForm
from agent_workspace.state.session import SessionState


class AssignmentAdminState(SwitchedForm, SessionState):
    capacity: str = "5"
    problem: str = ""  # the capacity's

    def _show(self, setting: assignment.Assignment) -> None:
        self.enabled, self.capacity = setting.enabled, str(setting.capacity)

    @rx.event
    async def load(self) -> None:
        await self._load(assignment.assignment)

    @rx.event
    def set_capacity(self, value: str) -> None:
        if self._typed(value, "The capacity", limit=8):
            self.capacity = value

    @rx.event
    async def save(self) -> EventSpec | None:
        self.problem, self.error = "", ""
        if (capacity := whole_number(self.capacity)) is None:
            self.problem = "Open conversations per agent as a whole number, e.g. 5."
            return None
        saved = await self._serve(
            Role.ADMIN,
            assignment.update_assignment,
            on_fields=lambda problems: setattr(self, "problem", problems.get("capacity", "")),
            setting=assignment.Assignment(enabled=self.enabled, capacity=capacity),
        )
        if isinstance(saved, ServiceError):
            return None
        self._show(saved)
        said = f"on, {saved.capacity} per agent" if saved.enabled else "off"
        return rx.toast.success(f"Automatic assignment saved: {said}.")
