"""The conversation pane: opening an interaction links the tab to its live feed, loads its older
messages once, and marks what the agent has seen: on opening, and when a push shows new ones.

The marks a push brings are written together: every tab showing a conversation says when a new
message reached it, and with fifty agents on one conversation one write per tab per message
had queued behind SQLite's one writer, each followed by a push round of its own. A mark is
noted on the loop and written by one drain task per process (`inbox.mark_seen_many`, which
re-checks every session in one read): whatever arrives while a write runs goes into the next
one. A mark lost to a crash only leaves a message counted unread, which the next look clears.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import reflex as rx
from reflex.event import EventSpec

from agent_workspace import reflex_internals
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation import conversation, messages, opt_outs
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import inbox, lifecycle, work
from agent_workspace.services.outbox import retry
from agent_workspace.state.client_input import refusal
from agent_workspace.state.conversation_feed import ConversationFeed, MessageItem, message_item
from agent_workspace.state.live import conversation_token
from agent_workspace.state.session import SessionState

log = logging.getLogger(__name__)
Write = Callable[[Sequence[tuple[Actor | None, int]]], int]


class SeenMarks:
    """Used on the event loop only (no lock): note() never waits for the database."""

    def __init__(self, write: Write = inbox.mark_seen_many) -> None:
        self._write = write
        self._pending: dict[tuple[int, int], Actor] = {}  # (agent, interaction) -> who
        self._task: asyncio.Task[None] | None = None

    def note(self, actor: Actor, interaction_id: int) -> None:
        self._pending[(actor.user_id, interaction_id)] = actor
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._drain())

    async def drained(self) -> None:
        """Until every mark noted so far is written (for tests and shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _drain(self) -> None:
        while self._pending:
            marks, self._pending = self._pending, {}
            batch = [(actor, interaction_id) for (_, interaction_id), actor in marks.items()]
            try:
                await asyncio.to_thread(self._write, batch)
            except Exception:  # the next look marks them again
                log.exception("recording %d seen marks failed", len(batch))


seen_marks = SeenMarks()


class InteractionPageState(SessionState):
    """Which interaction this tab shows, its older messages, and why it cannot be shown if so."""

    interaction_id: int = 0
    load_error: str = ""
    history: list[MessageItem] = []  # messages as they were when the tab opened
    history_upto: int = 0  # position of the last message in `history`
    pane: str = "list"  # on a narrow screen the one pane shown: list, conversation, details
    asking_opt_out: bool = False  # "Opt out this number?" is open
    _opt_out_message: int = 0  # the text asking to stop that the question is about
    _seen_total: int = 0  # the conversation's message count when this tab last marked it seen
    _viewer: tuple[str, Actor | None] = ("", None)  # (token, its user) when it opened

    @rx.event
    async def open(self) -> EventSpec | None:
        """on_load: the interaction in the URL (none: just the list)."""
        interaction_id = self._interaction_in_url()
        if interaction_id is None:
            self.interaction_id, self.load_error, self.pane = 0, "", "list"
            await self._leave_conversation()
            return None
        try:
            actor = await self._require(Role.AGENT)
            # The URL is the client's: a feed only for an interaction there is.
            await self._off_loop(
                conversation.require_viewable, actor=actor, interaction_id=interaction_id
            )
            # A viewer before the read: a text routed after the read is pushed to this tab;
            # linked after it, a text in between reached nobody and stayed off the page.
            feed = await self._link_feed(
                ConversationFeed, conversation_token(interaction_id), actor
            )
            view = await self._off_loop(
                conversation.conversation, actor=actor, interaction_id=interaction_id
            )
        except ServiceError as refused:
            self.interaction_id, self.load_error = 0, refused.message
            await self._leave_conversation()
            return None
        self.load_error = ""
        self.interaction_id, self.pane = interaction_id, "conversation"
        feed._show(view)
        await self._load_history(actor, upto=view.total)
        self._seen_total, self._viewer = view.total, (self.token, actor)
        await self._mark_seen(actor)
        return None

    @rx.event
    async def messages_shown(self, total: int) -> None:
        """A push showed this tab new messages of its conversation (a hidden element remounts
        with the count): the agent has seen them. Written with the other tabs' marks; the
        service then tells the agents' lists."""
        if not self.interaction_id or type(total) is not int or total <= self._seen_total:
            return
        self._seen_total = total
        token, actor = self._viewer
        if actor is not None and token == self.token:  # the session is re-checked with the write
            seen_marks.note(actor, self.interaction_id)

    async def _leave_conversation(self) -> None:
        if reflex_internals.is_linked(self, ConversationFeed):
            await reflex_internals.unlink(await self.get_state(ConversationFeed))

    async def _load_history(self, who: Role | Actor, *, upto: int) -> None:
        """Messages up to position `upto`; the page hides those the live tail also shows, so
        messages leaving the tail stay on screen."""
        older = await self._serve(
            who,
            messages.history,
            show="load_error",
            interaction_id=self.interaction_id,
            before_seq=upto + 1,
        )
        if isinstance(older, ServiceError):
            return
        feed = await self.get_state(ConversationFeed)
        name = feed.info.person_name
        self.history = [message_item(m, name) for m in older]
        self.history_upto = upto

    async def _mark_seen(self, actor: Actor) -> None:
        await self._serve(actor, inbox.mark_seen, show="", interaction_id=self.interaction_id)

    @rx.event
    async def load_earlier(self) -> None:
        """Catches up after more new messages arrived than the live feed carries."""
        feed = await self.get_state(ConversationFeed)
        await self._load_history(Role.AGENT, upto=feed.total)

    @rx.event
    def show_pane(self, pane: str) -> None:
        if pane in ("list", "conversation", "details") and not refusal(self, Role.AGENT):
            self.pane = pane

    @rx.event
    async def close_interaction(self) -> EventSpec:
        """Closes the interaction as complete; every viewer sees the new state."""
        number = await self._serve(
            Role.AGENT, lifecycle.close_by_agent, show="", interaction_id=self.interaction_id
        )
        if isinstance(number, ServiceError):
            return rx.toast.error(number.message)
        return rx.toast.success(f"{number} is closed.")

    @rx.event
    async def retry_failed(self, message_id: int) -> EventSpec:
        """Retry on a failed bubble: the message sent again as a new one, linked, once."""
        result = await self._serve(Role.AGENT, retry.retry_message, show="", message_id=message_id)
        if isinstance(result, ServiceError):
            return rx.toast.error(result.message)
        return rx.toast.success(
            "Sending it again." if result.queued else "It is already sent again."
        )

    @rx.event
    def ask_opt_out(self, message_id: int) -> None:
        """ "Opt out this number" on a text that asks to stop: the question before the change."""
        if type(message_id) is int and not refusal(self, Role.AGENT):
            self._opt_out_message, self.asking_opt_out = message_id, True

    @rx.event
    def cancel_opt_out(self) -> None:
        self._opt_out_message, self.asking_opt_out = 0, False

    @rx.event
    async def opt_out_confirmed(self) -> EventSpec:
        """The agent said yes: the phone that asked is opted out of the number it texted
        (audited as theirs); every viewer's bubble then says who did it."""
        message_id, self._opt_out_message, self.asking_opt_out = self._opt_out_message, 0, False
        done = await self._serve(
            Role.AGENT,
            opt_outs.opt_out_at_request,
            show="",
            interaction_id=self.interaction_id,
            message_id=message_id,
        )
        if isinstance(done, ServiceError):
            return rx.toast.error(done.message)
        if any(m.asks_to_stop for m in self.history):  # the live tail follows by itself
            await self._load_history(Role.AGENT, upto=self.history_upto)
        return rx.toast.success(done.summary())

    @rx.event
    async def pick_up(self) -> EventSpec:
        """Takes the conversation from the virtual agent's queue (audited)."""
        number = await self._serve(
            Role.AGENT, work.pick_up, show="", interaction_id=self.interaction_id
        )
        if isinstance(number, ServiceError):
            return rx.toast.error(number.message)
        return rx.toast.success(f"{number} is yours now.")
