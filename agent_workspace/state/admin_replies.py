"""Administration of the shared canned replies (admins only, re-checked in every handler)."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.errors import FieldProblems, ServiceError
from agent_workspace.services.messaging import canned_replies
from agent_workspace.state.client_input import typed_refusal
from agent_workspace.state.session import SessionState


@dataclasses.dataclass
class ReplyItem:
    id: int
    title: str
    body: str
    version: str  # ISO time of the version shown; an edit names it


class RepliesAdminState(SessionState):
    replies: list[ReplyItem] = []
    editing_id: int = 0  # 0: a new reply
    editing_version: str = ""
    title: str = ""
    body: str = ""
    title_error: str = ""
    body_error: str = ""
    error: str = ""

    async def _reload_quietly(self) -> None:
        """After a refusal: show what is true now, if this tab may see it at all."""
        with contextlib.suppress(ServiceError):
            await self._reload()

    async def _reload(self) -> None:
        found = await self._off_loop(canned_replies.list_shared, actor=await self._actor())
        self.replies = [ReplyItem(r.id, r.title, r.body, r.updated_at.isoformat()) for r in found]

    @rx.event
    async def load(self) -> None:
        try:
            await self._require(Role.ADMIN)
            await self._reload()
        except ServiceError as refused:
            self.error = refused.message

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

    @rx.event
    def cancel(self) -> None:
        self.editing_id, self.editing_version = 0, ""
        self.title = self.body = self.title_error = self.body_error = ""

    @rx.event
    async def save(self) -> EventSpec | None:
        self.title_error = self.body_error = self.error = ""
        try:
            actor = await self._require(Role.ADMIN)
            if self.editing_id:
                await self._off_loop(
                    canned_replies.update_reply,
                    actor=actor,
                    reply_id=self.editing_id,
                    title=self.title,
                    body=self.body,
                    version=datetime.fromisoformat(self.editing_version),
                )
            else:
                await self._off_loop(
                    canned_replies.create_reply,
                    actor=actor,
                    title=self.title,
                    body=self.body,
                    shared=True,
                )
        except FieldProblems as refused:
            self.title_error = refused.problems.get("title", "")
            self.body_error = refused.problems.get("body", "")
            return None
        except ServiceError as refused:
            self.error = refused.message
            await self._reload_quietly()
            return None
        saved = self.title.strip()
        self.cancel()
        await self._reload()
        return rx.toast.success(f"Saved the reply {saved!r}.")

    @rx.event
    async def delete(self, reply_id: int) -> EventSpec | None:
        self.error = ""
        try:
            title = await self._off_loop(
                canned_replies.delete_reply,
                actor=await self._require(Role.ADMIN),
                reply_id=reply_id,
            )
        except ServiceError as refused:
            self.error = refused.message
            await self._reload_quietly()
            return None
        if self.editing_id == reply_id:
            self.cancel()
        await self._reload()
        return rx.toast.success(f"Deleted the reply {title!r}.")
