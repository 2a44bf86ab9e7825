"""What the administration forms share: an administrator's typing kept or refused, the form
read from its service, and the on/off switch of a setting. Each form's service still decides
what is saved; these only keep a tab's fields."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

from agent_workspace.domain.inputs import TYPED_CHARS
from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.client_input import refusal, typed_refusal
from agent_workspace.state.session import SessionState


class AdminForm(SessionState, mixin=True):
    """A form only an administrator fills; `error` says why a change was not kept."""

    error: str = ""

    def _show(self, saved: Any) -> None:
        """Puts what the service read or saved into the form's fields."""
        raise NotImplementedError

    async def _load(self, read: Callable[..., Any]) -> None:
        """The form as stored; a tab that may not read it shows nothing."""
        found = await self._serve(Role.ADMIN, read, show="")
        if not isinstance(found, ServiceError):
            self._show(found)

    def _kept(self, problem: str) -> bool:
        if problem:
            self.error = problem
        return not problem

    def _typed(self, value: object, what: str, *, limit: int = TYPED_CHARS) -> bool:
        """Whether `value` may be kept: an administrator's, and text within bounds."""
        return self._kept(typed_refusal(self, Role.ADMIN, value, what=what, limit=limit))


class SwitchedForm(AdminForm, mixin=True):
    """A setting an administrator turns on and off (saved with the rest of the form)."""

    enabled: bool = False

    @rx.event
    def set_enabled(self, value: bool) -> None:
        if self._kept(refusal(self, Role.ADMIN)):
            self.enabled = value is True
