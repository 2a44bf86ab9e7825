"""Message: the text with its counter, and the canned replies "/" or the replies button lists."""

from __future__ import annotations

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.segments import MAX_BODY_CHARS, count_segments
from agent_workspace.domain.templates import shortcut_search
from agent_workspace.models import Role
from agent_workspace.services.conversation import canned_replies
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.client_input import typed_refusal
from agent_workspace.state.compose_base import ComposerBase
from agent_workspace.state.views import ReplyItem

BODY_ID = "compose-body"

# Left alone when the agent is already in a field: this lands a round trip and 60 ms after the
# click, and a number being typed into Other number had gone on in Message. Left alone too when
# the agent moves through the list by keyboard (j, k: assets/workspace.js sets awListCursor):
# the next j must move on, not type a "j".
FOCUS_MESSAGE_JS = (
    "setTimeout(() => { const typing = document.activeElement; if (window.awListCursor) return;"
    " if (typing?.matches('input, textarea, select, [contenteditable]')) return;"
    f" document.getElementById({BODY_ID!r})?.focus(); }}, 60)"
)


def focus_message() -> EventSpec:
    """Puts the cursor in Message once it is on the page (it may be rendering just now), unless
    the agent has put it in a field meanwhile."""
    return rx.call_script(FOCUS_MESSAGE_JS)


class ComposeMessageMixin(ComposerBase, mixin=True):
    body: str = ""
    counter: str = f"{MAX_BODY_CHARS} characters left"
    over_limit: bool = False
    replies_open: bool = False
    reply_search: str = ""
    replies: list[ReplyItem] = []
    reply_error: str = ""
    new_reply_title: str = ""

    @rx.event
    async def set_body(self, value: str) -> None:
        """Typing "/" at the start of the message lists the canned replies, filtered by what
        follows it."""
        if problem := typed_refusal(self, Role.AGENT, value, what="The message"):
            self.error = problem
            return
        self._set_body(value)
        if shortcut_search(value) is not None:
            self.replies_open = True
            await self._find_replies(shortcut_search(value) or "")
        elif self.replies_open and self.reply_search and not value.startswith("/"):
            self.replies_open = False

    @rx.event
    async def toggle_replies(self) -> None:
        self.replies_open = not self.replies_open
        if self.replies_open:
            await self._find_replies("")

    @rx.event
    def close_replies(self) -> EventSpec:
        """Escape or Close: the list goes, what was typed stays, the Message box keeps focus."""
        self.replies_open = False
        return focus_message()

    @rx.event
    async def set_reply_search(self, value: str) -> None:
        await self._find_replies(value)

    async def _find_replies(self, search: str) -> None:
        """The replies matching `search`, kept only once the service took it as a search."""
        found = await self._serve(
            Role.AGENT, canned_replies.replies_for, show="reply_error", search=search
        )
        if isinstance(found, ServiceError):
            return
        self.reply_search, self.reply_error = search, ""
        self.replies = [
            ReplyItem(r.id, r.title, r.body[:80], "Shared" if r.shared else "Mine") for r in found
        ]

    @rx.event
    async def choose_reply(self, reply_id: int) -> EventSpec | None:
        """Inserts the reply with its placeholders filled for this interaction's person."""
        text = await self._serve(
            Role.AGENT,
            canned_replies.render,
            show="reply_error",
            reply_id=reply_id,
            interaction_id=self.interaction_id,
        )
        if isinstance(text, ServiceError):
            return None
        typed = "" if shortcut_search(self.body) is not None else self.body.rstrip()
        self._set_body(f"{typed} {text}".strip() if typed else text)
        self.replies_open = False
        return focus_message()

    @rx.event
    def set_new_reply_title(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The title"):
            self.reply_error = problem
            return
        self.new_reply_title = value

    @rx.event
    async def save_my_reply(self) -> None:
        """Keeps the message as one of the agent's own canned replies."""
        saved = await self._serve(
            Role.AGENT,
            canned_replies.create_reply,
            show="reply_error",
            title=self.new_reply_title,
            body=self.body,
            shared=False,
        )
        if isinstance(saved, ServiceError):
            return
        self.new_reply_title = ""
        await self._find_replies(self.reply_search)

    def _set_body(self, value: str) -> None:
        self.body = value
        info = count_segments(value)
        left = (
            f"{info.chars_left} characters left"
            if info.chars_left >= 0
            else (f"{-info.chars_left} characters over the {MAX_BODY_CHARS} limit")
        )
        plural = "s" if info.segments != 1 else ""
        self.counter = f"{left} · {info.segments} segment{plural} ({info.encoding.value})"
        self.over_limit = info.too_long
        self._message_changed()
