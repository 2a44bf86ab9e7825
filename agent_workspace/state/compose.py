"""The composer under the conversation: From, To (or Other), Message with counter, Attach File,
Send. On an active messaging interaction it is open from the start with From and To chosen;
elsewhere Compose SMS opens the same form (the seed's flow).

One state per tab, ComposeState, made of its parts: From/To and the preview (compose_to.py),
Message and canned replies (compose_message.py), the files (compose_files.py), the checks and
the consumer's time (compose_checks.py). Here: opening it for an interaction, the Note/SMS
switch, and Send."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.config import get_settings
from agent_workspace.domain.inputs import kept_drafts
from agent_workspace.models import Role
from agent_workspace.services.channels import numbers
from agent_workspace.services.conversation import notes
from agent_workspace.services.conversation.quiet_hours import OutsideQuietHours
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.services.sending import options, send
from agent_workspace.state.client_input import refusal
from agent_workspace.state.compose_checks import ComposeChecksMixin
from agent_workspace.state.compose_files import ComposeFilesMixin
from agent_workspace.state.compose_message import ComposeMessageMixin, focus_message
from agent_workspace.state.compose_schedule import ComposeScheduleMixin
from agent_workspace.state.compose_to import ComposeToMixin
from agent_workspace.state.live import CHANNEL_LINK, ChannelFeed
from agent_workspace.state.session import SessionState

SMS, NOTE = "sms", "note"


class ComposeState(
    ComposeChecksMixin,
    ComposeToMixin,
    ComposeMessageMixin,
    ComposeFilesMixin,
    ComposeScheduleMixin,
    SessionState,
):
    """One composer per tab; every handler re-checks the agent role on the server."""

    inline: bool = False  # open from the start (an active messaging interaction)
    mode: str = SMS  # SMS, or NOTE: an internal note, never sent
    idempotency_key: str = ""
    draft_key: str = ""  # the browser's copy of the draft: "<agent id>-<interaction id>"
    # What the agent had typed in other interactions of this tab (domain/inputs.py DRAFTS).
    _drafts: dict[int, str] = {}
    _drafts_of: str = ""  # who typed them: another agent signing in on this tab never sees them

    @rx.event
    async def prepare(self) -> EventSpec | None:
        """on_load of an interaction: the composer for it, open at once where replying is the
        natural next step, with the draft the agent left there. Files attached and not sent
        are removed (their bytes too): the composer starts afresh."""
        if self.files:
            await self._discard_all()
        if self._drafts_of != self.username:  # another agent signed in on this tab
            self._drafts, self._drafts_of = {}, self.username
            self._set_body("")
        elif self.interaction_id:
            self._drafts = kept_drafts(self._drafts, self.interaction_id, self.body)
        interaction_id = self._interaction_in_url() or 0
        self.interaction_id = interaction_id
        self.is_open = self.inline = False
        if not interaction_id:
            return None
        if not await self._load_options():
            return None
        self.is_open = self.inline
        return focus_message() if self.is_open else None

    @rx.event
    async def start(self) -> EventSpec | None:
        """Compose SMS: opens the composer for the interaction in the URL."""
        self.interaction_id = self._interaction_in_url() or 0
        if not await self._load_options():
            self.is_open = True
            return None
        self.is_open, self.editing_route = True, True
        return focus_message()

    async def _load_options(self) -> bool:
        try:
            actor = await self._require(Role.AGENT)
            offered = await self._off_loop(
                options.compose_options,
                actor=actor,
                interaction_id=self.interaction_id,
                default_region=get_settings().default_region,
            )
            # The From list follows the channel live (an admin adds or removes a number).
            feed = await self._link_feed(ChannelFeed, CHANNEL_LINK, actor)
            feed._show(await self._off_loop(numbers.sending_setup, actor=actor))
        except ServiceError as refused:
            self.error = refused.message
            return False
        self.inline = offered.inline
        self.draft_key = f"{actor.user_id}-{self.interaction_id}"
        self._offer_types(offered.allowed_types)
        self._show_options(offered)
        self.error = self.attach_error = ""
        self.files = []
        self.mode, self.replies_open = SMS, False
        self._set_body(self._drafts.get(self.interaction_id, ""))
        self.idempotency_key = uuid.uuid4().hex
        await self._preview(actor)
        await self._to_changed()
        return True

    @rx.event
    async def close(self) -> EventSpec | None:
        await self._discard_all()
        self.is_open = False
        return None

    @rx.event
    def set_mode(self, value: str) -> None:
        """The Note/SMS switch: a note stays in the workspace, an SMS goes to the phone."""
        if value in (SMS, NOTE):
            self.mode = value
            self.error = self.confirm = ""

    async def _add_note(self) -> list[EventSpec] | None:
        added = await self._serve(
            Role.AGENT, notes.add_note, interaction_id=self.interaction_id, body=self.body
        )
        if isinstance(added, ServiceError):
            return None
        self._set_body("")
        self._drafts = {k: v for k, v in self._drafts.items() if k != self.interaction_id}
        return [
            rx.toast.success(f"Note added to {added.interaction_number}."),
            self._forget_browser_draft(),
            focus_message(),
        ]

    @rx.event
    def set_confirm(self, value: str) -> None:
        """The question's Cancel (the page sends ""): Send asks again when it must."""
        if value == "":
            self.confirm = ""

    @rx.event
    async def send_confirmed(self) -> list[EventSpec] | EventSpec | None:
        """Send after the agent said yes to what the composer asked."""
        return await self._send(confirmed=True)

    @rx.event
    async def send(self) -> list[EventSpec] | EventSpec | None:
        self._clear_quiet()
        return await self._send(confirmed=False)

    @rx.event
    async def send_later(self) -> list[EventSpec] | EventSpec | None:
        """Quiet hours: "Send at 08:00 their time": a message scheduled for the opening."""
        if not self._quiet_opens_at:
            return None
        self._override, self._send_at = "", self._quiet_opens_at
        return await self._send(confirmed=False)

    @rx.event
    def start_schedule(self) -> None:
        """ "Schedule…" in the composer: a time picker in their time or the agent's."""
        if problem := refusal(self, Role.AGENT):
            self.error = problem
            return
        self._start_schedule(self._to_e164(), self._where)

    @rx.event
    async def send_at_picked(self) -> list[EventSpec] | EventSpec | None:
        """Quiet hours: scheduled for the time the agent picked (their time or the agent's)."""
        self.error = ""
        if (at := self._picked_at()) is None:
            return None
        self._override, self._send_at = "", at.isoformat()
        return await self._send(confirmed=False)

    @rx.event
    async def send_anyway(self) -> list[EventSpec] | EventSpec | None:
        """Quiet hours: "Send now anyway", with the agent's reason (audited)."""
        if not self.quiet_reason.strip():
            self.error = "Say why it must go now: the reason is kept in the audit trail."
            return None
        self._override, self._send_at = self.quiet_reason.strip(), ""
        return await self._send(confirmed=False)

    async def _send(self, *, confirmed: bool) -> list[EventSpec] | EventSpec | None:
        """Sends once: the idempotency key makes a repeated click return the first result.
        The session is read and the role checked once, here; the Send's result says what the
        next Send will do (no second routing decision)."""
        self.error = ""
        if self.mode == NOTE:
            return await self._add_note()
        if not self.body.strip() and not self.files:
            self.error = "Write a message or attach a file."
            return focus_message()
        actor = await self._actor_as(Role.AGENT)
        if actor is None:
            return None
        request = send.SendRequest(
            from_number=self.from_number,
            to=self._recipient(),
            body=self.body,
            interaction_id=self.interaction_id,
            idempotency_key=self.idempotency_key,
            confirmed=confirmed,
            staged=tuple(f.id for f in self.files),
            override_reason=self._override,
            send_at=datetime.fromisoformat(self._send_at) if self._send_at else None,
        )
        try:
            result = await self._off_loop(send.send_sms, actor=actor, request=request)
        except OutsideQuietHours as refused:
            self._show_quiet(refused)
            return None
        except ConfirmationNeeded as question:
            self.confirm = question.message
            return None
        except ServiceError as refused:
            self.error = refused.message
            await self._preview(actor)  # the situation may have changed (e.g. the number opted out)
            return None
        scheduled = bool(self._send_at)
        self._clear_quiet()
        self.confirm = self.attach_error = ""
        self.files = []
        self._set_body("")
        self._drafts = {k: v for k, v in self._drafts.items() if k != self.interaction_id}
        self.idempotency_key = uuid.uuid4().hex
        self._text_went()  # the next text to this number is no longer a first
        self.is_open = self.inline or result.interaction_id != self.interaction_id
        events: list[EventSpec] = [
            rx.toast.success(
                f"{'Scheduled' if scheduled else 'Queued'} in {result.interaction_number}: "
                f"{result.summary}."
            ),
            self._forget_browser_draft(),
        ]
        if result.interaction_id != self.interaction_id:
            events.append(rx.redirect(f"/interactions/{result.interaction_id}"))
            return events
        if result.next is None:  # a repeated click: the first Send's result, said again
            await self._preview(actor)
        else:
            self._show_preview(result.next)
        events.append(focus_message())
        return events

    def _forget_browser_draft(self) -> EventSpec:
        """The text went: the browser's copy of it goes too (assets/workspace.js)."""
        return rx.call_script(
            f"window.awDrafts && window.awDrafts.forget({json.dumps(self.draft_key)})"
        )
