"""Administration of the SMS channel's STOP policy (issue 26 item 6): the SMS channel tab's
checkbox, saved as it changes; the service refuses anyone but an administrator."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.channels import consent
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.session import SessionState


class StopPolicyAdminState(SessionState):
    channel_wide: bool = True
    error: str = ""

    @rx.event
    async def load(self) -> None:
        found = await self._serve(Role.ADMIN, consent.stop_channel_wide, show="")
        if not isinstance(found, ServiceError):
            self.channel_wide = found

    @rx.event
    async def set_channel_wide(self, value: bool) -> EventSpec | None:
        self.error = ""
        saved = await self._serve(
            Role.ADMIN, consent.set_stop_channel_wide, show="error", on=value is True
        )
        if isinstance(saved, ServiceError):
            return None
        self.channel_wide = saved
        said = (
            "a STOP to one number stops every number of the channel"
            if saved
            else "a STOP stops only the number it was sent to"
        )
        return rx.toast.success(f"STOP policy saved: {said}.")
