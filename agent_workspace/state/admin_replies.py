"""Administration of the shared canned replies (admins only, re-checked in every handler)."""

from __future__ import annotations

import dataclasses
import functools
from datetime import datetime

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation import canned_replies
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_form import TableForm
from agent_workspace.state.client_input import typed_refusal
from agent_workspace.state.session import SessionState


@dataclasses.dataclass
class ReplyItem:
    id: int
    title: str
    body: str
    version: str  # ISO time of the version shown; an edit names it


class RepliesAdminState(TableForm, SessionState):
    replies: list[ReplyItem] = []
    editing_version: str = ""
    title: str = ""
    body: str = ""
    title_error: str = ""
    body_error: str = ""

    async def _reload(self, who: Role | Actor, *, show: str = "") -> None:
        """The list as it is now (after a change or a refusal), if this tab may see it."""
        found = await self._serve(who, canned_replies.list_shared, show=show)
        if not isinstance(found, ServiceError):
            self.replies = [
                ReplyItem(r.id, r.title, r.body, r.updated_at.isoformat()) for r in found
            ]

    def _mark(self, problems: dict[str, str]) -> None:
        self.title_error = problems.get("title", "")
        self.body_error = problems.get("body", "")

    @rx.event
    async def load(self) -> None:
        await self._reload(Role.ADMIN, show="error")

    @rx.event
    def set_title(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The title"):
            self.title_error = problem
            return
        self.title = value

    @rx.event
    def set_body(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The text"):
            self.body_error = problem
            return
        self.body = value

    @rx.event
    def edit(self, reply_id: int) -> None:
        for reply in self.replies:
            if reply.id == reply_id:
                self.editing_id, self.editing_version = reply.id, reply.version
                self.title, self.body = reply.title, reply.body
        self.title_error = self.body_error = self.error = ""

    def _close_row(self) -> None:
        self.editing_id, self.editing_version = 0, ""
        self.title = self.body = self.title_error = self.body_error = ""

    @rx.event
    async def save(self) -> EventSpec | None:
        save = (
            functools.partial(
                canned_replies.update_reply,
                reply_id=self.editing_id,
                version=datetime.fromisoformat(self.editing_version),
            )
            if self.editing_id
            else functools.partial(canned_replies.create_reply, shared=True)
        )
        return await self._save(
            save,
            lambda reply: f"Saved the reply {reply.title!r}.",
            title=self.title,
            body=self.body,
        )

    @rx.event
    async def delete(self, reply_id: int) -> EventSpec | None:
        return await self._delete(
            canned_replies.delete_reply,
            lambda title: f"Deleted the reply {title!r}.",
            reply_id=reply_id,
        )
