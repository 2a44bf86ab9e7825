"""Administration, SMS channel tab: create the channel from nothing (with its first number) or
edit its name, default region, business name and Messaging Service, and what a fresh install
still lacks.

Every handler re-checks the admin role on the server (the services refuse anyone else).
"""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.config import get_settings
from agent_workspace.domain.channels import region_choices
from agent_workspace.models import Role
from agent_workspace.services.channels import setup
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin import AdminState
from agent_workspace.state.admin_channel import NumbersAdminState
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState

REGIONS = [code for code, _ in region_choices()]
FIELDS = ("name", "region", "number", "label", "business_name", "messaging_service_sid")


class ChannelAdminState(SessionState):
    has_channel: bool = False
    loaded: bool = False
    name: str = ""
    region: str = ""
    number: str = ""  # the first sending number, while there is no channel
    label: str = ""
    business_name: str = ""  # who a first text to a consumer says is writing
    messaging_service_sid: str = ""  # the Twilio Messaging Service texts go through, or ""
    errors: dict[str, str] = {}
    error: str = ""
    # What a fresh install still lacks (Administration says it first).
    needs_channel: bool = False
    needs_number: bool = False
    needs_agent: bool = False

    def _show(self, status: setup.SetupStatus) -> None:
        self.loaded = True
        self.has_channel = status.channel is not None
        if status.channel is not None:
            self.name, self.region = status.channel.name, status.channel.region
            self.business_name = status.channel.business_name
            self.messaging_service_sid = status.channel.messaging_service_sid
        self.needs_channel = status.channel is None
        self.needs_number = status.numbers == 0
        self.needs_agent = status.agents == 0

    def _mark(self, problems: dict[str, str]) -> None:
        self.errors = {f: problems.get(f, "") for f in FIELDS}

    @rx.var
    def setup_complete(self) -> bool:
        return self.loaded and not (self.needs_channel or self.needs_number or self.needs_agent)

    @rx.event
    async def load(self) -> None:
        """on_load of Administration, and after a change another tab makes (numbers, users)."""
        status = await self._serve(Role.ADMIN, setup.setup_status)
        if isinstance(status, ServiceError):
            return
        self._show(status)
        if not self.has_channel:  # what the form suggests for a new channel
            self.name = self.name or "SMS"
            self.region = self.region or get_settings().default_region

    @rx.event
    def set_name(self, value: str) -> None:
        self._typed("name", value, "The channel name")

    @rx.event
    def set_number(self, value: str) -> None:
        self._typed("number", value, "The number")

    @rx.event
    def set_label(self, value: str) -> None:
        self._typed("label", value, "The label")

    @rx.event
    def set_business_name(self, value: str) -> None:
        self._typed("business_name", value, "The business name")

    @rx.event
    def set_messaging_service_sid(self, value: str) -> None:
        self._typed("messaging_service_sid", value, "The Messaging Service SID")

    def _typed(self, field: str, value: str, what: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what=what):
            self.errors = {**self.errors, field: problem}
            return
        setattr(self, field, value)

    @rx.event
    def set_region(self, value: str) -> None:
        if problem := choice_refusal(self, Role.ADMIN, value, REGIONS, what="a region"):
            self.errors = {**self.errors, "region": problem}
            return
        self.region = value

    @rx.event
    async def save(self) -> EventSpec | list[EventSpec] | None:
        """Creates the channel (and its first number), or saves its name and region."""
        self.errors, self.error = {}, ""
        creating = not self.has_channel
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        change = setup.create_sms_channel if creating else setup.update_sms_channel
        first = (
            {"number": self.number, "label": self.label, "business_name": self.business_name}
            if creating
            else {
                "business_name": self.business_name,
                "messaging_service_sid": self.messaging_service_sid,
            }
        )
        done = await self._serve(
            actor, change, on_fields=self._mark, name=self.name, region=self.region, **first
        )
        if isinstance(done, ServiceError):
            return None
        status = await self._serve(actor, setup.setup_status)
        if isinstance(status, ServiceError):
            return None
        self._show(status)
        self.number = self.label = ""
        said = "SMS channel created." if creating else "SMS channel saved."
        return [rx.toast.success(said), NumbersAdminState.load, AdminState.load]
