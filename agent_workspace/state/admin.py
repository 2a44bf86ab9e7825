"""The administration page: the SMS channel and its attachment policy (admins only)."""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.attachments import KNOWN_TYPES, TYPE_NAMES
from agent_workspace.domain.inputs import CHOICE_CHARS
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import Role
from agent_workspace.services.channels import admin
from agent_workspace.services.channels.settings import ChannelView
from agent_workspace.services.errors import AccessDenied, NotFound, ServiceError
from agent_workspace.services.outbox import playbook
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import LOGIN_ROUTE, SessionState

MB = 1024 * 1024


@dataclasses.dataclass
class TypeOption:
    value: str
    label: str
    allowed: bool


class AdminState(SessionState):
    """Every handler re-checks the admin role on the server."""

    refusal: str = ""
    channel_name: str = ""
    provider_numbers: list[str] = []
    types: list[TypeOption] = []
    max_mb: str = ""
    max_files: str = ""
    error: str = ""
    alerts: list[str] = []  # the error playbook's setup alerts (services/outbox/playbook.py)

    def _show(self, channel: ChannelView) -> None:
        policy = channel.policy
        self.channel_name = channel.name
        self.provider_numbers = [display_phone(n) for n in channel.provider_numbers]
        self.types = [
            TypeOption(t, f"{TYPE_NAMES.get(t, t)} ({t})", t in policy.allowed_types)
            for t in sorted(KNOWN_TYPES)
        ]
        self.max_mb = f"{policy.max_total_bytes / MB:g}"
        self.max_files = str(policy.max_files)

    @rx.event
    async def load(self) -> EventSpec | None:
        actor = await self._actor()
        self._show_actor(actor)
        if actor is None:
            return rx.redirect(LOGIN_ROUTE)
        try:
            self.alerts = await self._off_loop(playbook.setup_alerts, actor=actor)
            self._show(await self._off_loop(admin.channel_settings, actor=actor))
        except AccessDenied as refused:
            self.refusal = refused.message
            return None
        except NotFound:  # a fresh install: the SMS channel tab says what to do first
            self.channel_name = ""
        except ServiceError as problem:
            self.error = problem.message
        self.refusal = ""
        return None

    @rx.event
    async def dismiss_alerts(self) -> None:
        """The administrator has read the setup alerts."""
        if not isinstance(
            await self._serve(Role.ADMIN, playbook.dismiss_setup_alerts, show="error"),
            ServiceError,
        ):
            self.alerts = []

    @rx.event
    def set_type_allowed(self, value: str, allowed: bool) -> None:
        if problem := choice_refusal(self, Role.ADMIN, value, KNOWN_TYPES, what="a file type"):
            self.error = problem
            return
        self.types = [
            dataclasses.replace(t, allowed=allowed is True) if t.value == value else t
            for t in self.types
        ]

    @rx.event
    def set_max_mb(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The size", limit=CHOICE_CHARS):
            self.error = problem
            return
        self.max_mb = value

    @rx.event
    def set_max_files(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The count", limit=CHOICE_CHARS):
            self.error = problem
            return
        self.max_files = value

    @rx.event
    async def save(self) -> EventSpec | None:
        try:
            max_bytes = round(float(self.max_mb) * MB)
            max_files = int(self.max_files)
        except (ValueError, OverflowError):  # not a number, NaN, or infinity (1e400)
            self.error = (
                "Enter the size limit in MB (e.g. 5 or 0.5) and the file limit as a number."
            )
            return None
        channel = await self._serve(
            Role.ADMIN,
            admin.update_attachment_policy,
            types=[t.value for t in self.types if t.allowed],
            max_total_bytes=max_bytes,
            max_files=max_files,
        )
        if isinstance(channel, ServiceError):
            return None
        self.error = ""
        self._show(channel)
        return rx.toast.success("Attachment policy saved.")
