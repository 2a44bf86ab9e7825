"""A scheduled message's Edit and Cancel on its bubble (issue 26 item 3): the text and the
time (in the consumer's time) until the outbox takes it. The bubble itself follows the push."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.times import typed_moment
from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.sending import scheduled
from agent_workspace.state.client_input import typed_refusal
from agent_workspace.state.session import SessionState


class ScheduledState(SessionState):
    """One edit at a time per tab; every handler checks the agent on the server."""

    editing: int = 0  # the message being edited
    edit_body: str = ""
    edit_time: str = ""  # "2026-12-08T08:00", the consumer's local time
    edit_zone: str = ""
    edit_error: str = ""

    @rx.event
    async def start_edit(self, message_id: int) -> None:
        shown = await self._serve(
            Role.AGENT, scheduled.scheduled_message, message_id=message_id, show="edit_error"
        )
        if isinstance(shown, ServiceError):
            return
        zone = ZoneInfo(shown.zone or "UTC")
        self.editing, self.edit_body = shown.message_id, shown.body
        self.edit_zone = shown.zone or "UTC"
        self.edit_time = shown.scheduled_for.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        self.edit_error = ""

    @rx.event
    def set_edit_body(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The message"):
            self.edit_error = problem
            return
        self.edit_body = value

    @rx.event
    def set_edit_time(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The time", limit=32):
            self.edit_error = problem
            return
        self.edit_time = value

    @rx.event
    def stop_edit(self) -> None:
        self.editing, self.edit_error = 0, ""

    @rx.event
    async def save_edit(self) -> None:
        at = typed_moment(self.edit_time, self.edit_zone or "UTC")
        if at is None:
            self.edit_error = "Choose a date and time."
            return
        saved = await self._serve(
            Role.AGENT,
            scheduled.reschedule,
            message_id=self.editing,
            body=self.edit_body,
            send_at=at,
            show="edit_error",
        )
        if not isinstance(saved, ServiceError):
            self.editing, self.edit_error = 0, ""

    @rx.event
    async def cancel_message(self, message_id: int) -> EventSpec | None:
        done = await self._serve(
            Role.AGENT, scheduled.cancel_scheduled, message_id=message_id, show="edit_error"
        )
        if isinstance(done, ServiceError):
            return rx.toast.error(done.message)
        self.editing = 0
        return rx.toast.success("The scheduled message was cancelled.")
