"""What the administration forms share: an administrator's typing kept or refused, the form
read from its service, and the on/off switch of a setting. Each form's service still decides
what is saved; these only keep a tab's fields."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import TYPED_CHARS
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import FieldProblems, ServiceError
from agent_workspace.state.client_input import refusal, typed_refusal
from agent_workspace.state.session import SessionState

T = TypeVar("T")


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


class TableForm(AdminForm, mixin=True):
    """A table an administrator edits a row at a time (labels, canned replies, service
    levels): the row form below it edits `editing_id`, 0 for a new row."""

    editing_id: int = 0

    async def _reload(self, who: Role | Actor, *, show: str = "") -> None:
        """The table again, as stored."""
        raise NotImplementedError

    def _close_row(self) -> None:
        """Empties the row form (each table's own fields)."""
        raise NotImplementedError

    def _mark(self, problems: dict[str, str]) -> None:
        """Shows each field's problem beside it ({} clears them)."""
        raise NotImplementedError

    @rx.event
    def cancel(self) -> None:
        self._close_row()

    async def _save(
        self, save: Callable[..., T], said: Callable[[T], str], **fields: Any
    ) -> EventSpec | None:
        """Saves the row form through `save` (creating or updating it): a field's problem goes
        beside it and keeps the form; any other refusal shows above the table, read again as
        it is now; saved, the table is read again and the form empties."""
        self._mark({})
        self.error = ""
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        done = await self._serve(actor, save, on_fields=self._mark, **fields)
        if isinstance(done, FieldProblems):
            return None
        await self._reload(actor)
        if isinstance(done, ServiceError):
            return None
        self._close_row()
        return rx.toast.success(said(done))

    async def _delete(
        self, remove: Callable[..., str], said: Callable[[str], str], **row: int
    ) -> EventSpec | None:
        """Deletes one row through `remove` (which names it), shows the table as it is now
        whatever happened, and closes the row's form if it was open."""
        self.error = ""
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        name = await self._serve(actor, functools.partial(remove, **row))
        await self._reload(actor)
        if isinstance(name, ServiceError):
            return None
        if self.editing_id in row.values():
            self._close_row()
        return rx.toast.success(said(name))
