"""The composer under the conversation: From, To (or Other), Message with counter, Attach File,
Send. On an active messaging interaction it is open from the start with From and To chosen;
elsewhere Compose SMS opens the same form (the seed's flow)."""

from __future__ import annotations

import json
import uuid

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.config import get_settings
from agent_workspace.domain.attachments import (
    DEFAULT_ALLOWED_TYPES,
    KNOWN_TYPES,
    AttachmentPolicy,
    CandidateFile,
    file_too_large,
    too_many_files,
)
from agent_workspace.domain.inputs import CHOICE_CHARS, kept_drafts
from agent_workspace.domain.phone import PhoneOk, display_phone, read_typed_number
from agent_workspace.domain.segments import MAX_BODY_CHARS, count_segments
from agent_workspace.domain.templates import shortcut_search
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import numbers
from agent_workspace.services.errors import InvalidInput, ServiceError
from agent_workspace.services.files import staged, uploads
from agent_workspace.services.files.media_links import media_path
from agent_workspace.services.messaging import canned_replies, compose, notes, sending
from agent_workspace.services.messaging.confirmations import ConfirmationNeeded
from agent_workspace.state.channel_feed import CHANNEL_LINK, ChannelFeed
from agent_workspace.state.client_input import choice_refusal, refusal, typed_refusal
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice, ReplyItem, StagedItem

UPLOAD_ID = "compose_files"
OTHER = "other"
SMS, NOTE = "sms", "note"
BODY_ID = "compose-body"
THUMB_TTL = 3600
NAMED_REJECTS = 3  # files a refusal of the picker names (it says how many more)


# Left alone when the agent is already in a field: this lands a round trip and 60 ms after the
# click, and a number being typed into Other number had gone on in Message.
FOCUS_MESSAGE_JS = (
    "setTimeout(() => { const typing = document.activeElement;"
    " if (typing?.matches('input, textarea, select, [contenteditable]')) return;"
    f" document.getElementById({BODY_ID!r})?.focus(); }}, 60)"
)


def focus_message() -> EventSpec:
    """Puts the cursor in Message once it is on the page (it may be rendering just now), unless
    the agent has put it in a field meanwhile."""
    return rx.call_script(FOCUS_MESSAGE_JS)


class ComposeState(SessionState):
    """One composer per tab; every handler re-checks the agent role on the server."""

    is_open: bool = False
    inline: bool = False  # open from the start (an active messaging interaction)
    editing_route: bool = False  # From and To shown as selects rather than one line
    interaction_id: int = 0
    region: str = "US"
    person_region: str = ""
    from_options: list[Choice] = []
    from_number: str = ""
    from_error: str = ""
    to_options: list[Choice] = []
    to_choice: str = ""
    to_failed: list[str] = []  # numbers whose last text failed for good (the error playbook)
    other_text: str = ""
    other_e164: str = ""
    other_country: str = ""
    other_error: str = ""
    body: str = ""
    counter: str = f"{MAX_BODY_CHARS} characters left"
    over_limit: bool = False
    preview: str = ""  # "Send will …"
    refusal: str = ""  # why Send would be refused right now
    confirm: str = ""  # the question a Send that changes someone else's work asks first
    error: str = ""
    attach_error: str = ""
    files: list[StagedItem] = []
    mode: str = SMS  # SMS, or NOTE: an internal note, never sent
    replies_open: bool = False
    reply_search: str = ""
    replies: list[ReplyItem] = []
    reply_error: str = ""
    new_reply_title: str = ""
    idempotency_key: str = ""
    draft_key: str = ""  # the browser's copy of the draft: "<agent id>-<interaction id>"
    # The file picker offers what the channel's policy allows (the server checks the bytes).
    accept: dict[str, list[str]] = {t: list(KNOWN_TYPES[t]) for t in DEFAULT_ALLOWED_TYPES}
    # What the agent had typed in other interactions of this tab (domain/inputs.py DRAFTS).
    _drafts: dict[int, str] = {}
    _drafts_of: str = ""  # who typed them: another agent signing in on this tab never sees them

    @rx.var
    def picker_accept(self) -> str:
        """What the file picker offers first (its "All files" still lets any file through, and
        the server judges each by its bytes when it is attached)."""
        return ",".join([*self.accept, *(ext for exts in self.accept.values() for ext in exts)])

    @rx.var
    def to_advice(self) -> str:
        """What to do instead when the chosen number's last text failed for good."""
        if self.to_choice not in self.to_failed:
            return ""
        return "Texts to this number failed for good: call or email them instead."

    @rx.var
    def route_summary(self) -> str:
        """From and To in one line, for the compact composer."""
        sender = next((c.label for c in self.from_options if c.value == self.from_number), "")
        if self.to_choice == OTHER:
            to = display_phone(self.other_e164) if self.other_e164 else "another number"
        else:
            to = next((c.label for c in self.to_options if c.value == self.to_choice), "")
        return f"From {sender or 'no number chosen'} to {to or 'no number chosen'}"

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
            options = await self._off_loop(
                compose.compose_options,
                actor=actor,
                interaction_id=self.interaction_id,
                default_region=get_settings().default_region,
            )
            # The From list follows the channel live (an admin adds or removes a number).
            feed = await self._link_feed(ChannelFeed, CHANNEL_LINK, actor)
            feed._show(await self._off_loop(numbers.sending_numbers, actor=actor))
        except ServiceError as refused:
            self.error = refused.message
            return False
        self.inline = options.inline
        self.draft_key = f"{actor.user_id}-{self.interaction_id}"
        self.editing_route = False
        self.region, self.person_region = options.workspace_region, options.person_region or ""
        self.accept = {t: list(KNOWN_TYPES.get(t, ())) for t in options.allowed_types}
        self.from_options = [
            Choice(n, f"{label} ({display_phone(n)})" if label else display_phone(n))
            for n, label in options.from_numbers
        ]
        self.from_number = options.default_from
        self.to_options = [Choice(o.e164, o.label, not o.sendable) for o in options.to_options]
        self.to_failed = [o.e164 for o in options.to_options if o.warned and o.sendable]
        self.to_options.append(Choice(OTHER, "Other…"))
        self.to_choice = options.default_to or OTHER
        self.other_text = self.other_e164 = self.other_country = self.other_error = ""
        self.error = self.attach_error = self.confirm = ""
        self.files = []
        self.mode, self.replies_open = SMS, False
        self._set_body(self._drafts.get(self.interaction_id, ""))
        self.idempotency_key = uuid.uuid4().hex
        await self._preview(actor)
        return True

    @rx.event
    async def close(self) -> EventSpec | None:
        await self._discard_all()
        self.is_open = False
        return None

    @rx.event
    async def follow_numbers(self, _key: str = "") -> None:
        """An administrator added or removed a sending number: From and its summary follow, and
        a From that was removed is let go, saying so (Send would refuse it)."""
        if not self.is_open or refusal(self, Role.AGENT):
            return
        live = [c for c in (await self.get_state(ChannelFeed)).numbers if c.value]
        if not live:
            return  # the feed has not been filled yet
        self.from_options = live
        if not self.from_number or any(c.value == self.from_number for c in live):
            return
        removed, self.from_number = self.from_number, live[0].value if len(live) == 1 else ""
        await self._preview()
        self.from_error = f"{display_phone(removed)} is no longer a sending number: " + (
            f"sending from {live[0].label} now." if self.from_number else "choose another From."
        )

    @rx.event
    def edit_route(self) -> None:
        self.editing_route = True

    @rx.event
    async def set_from(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="From", limit=CHOICE_CHARS):
            self.from_error = problem
            return
        self.from_number = value
        await self._preview()

    @rx.event
    async def set_to_choice(self, value: str) -> None:
        options = [c.value for c in self.to_options]
        if problem := choice_refusal(self, Role.AGENT, value, options, what="To"):
            self.error = problem
            return
        self.to_choice = value
        if value != OTHER:
            self.other_error = ""  # that cause is gone
        await self._preview()

    @rx.event
    async def set_other_text(self, value: str) -> None:
        """Converts what the agent types to E.164 as they type, saying which country it read a
        number without a country code in (the person's, else the workspace's)."""
        if problem := typed_refusal(self, Role.AGENT, value, what="The number", limit=CHOICE_CHARS):
            self.other_error = problem
            return
        self.other_text = value
        reading = read_typed_number(
            value, person_region=self.person_region or None, default_region=self.region
        )
        result = reading.result if value.strip() else None
        self.other_e164 = result.e164 if isinstance(result, PhoneOk) else ""
        self.other_country = reading.assumed_country if isinstance(result, PhoneOk) else ""
        self.other_error = result.message if result and not isinstance(result, PhoneOk) else ""
        await self._preview()

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
    def set_mode(self, value: str) -> None:
        """The Note/SMS switch: a note stays in the workspace, an SMS goes to the phone."""
        if value in (SMS, NOTE):
            self.mode = value
            self.error = self.confirm = ""

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

    @rx.event
    async def refresh_preview(self, _version: int = 0) -> None:
        """The conversation changed (e.g. the consumer texted START): say what Send does now.
        A refusal of an earlier Send described that moment; what holds now is the preview's."""
        if self.is_open:
            self.error = ""
            await self._preview()

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

    def _recipient(self) -> str:
        return self.other_text if self.to_choice == OTHER else self.to_choice

    async def _preview(self, who: Role | Actor = Role.AGENT) -> None:
        """Tells the agent which workflow Send will take, before they send; every message here
        is recomputed from scratch, so one whose cause is fixed is gone."""
        self.preview = self.refusal = self.confirm = ""
        self.from_error = "" if self.from_number else "Choose a From number."
        if (
            self.from_error
            or not self._recipient().strip()
            or (self.to_choice == OTHER and self.other_error)
        ):
            return
        result = await self._serve(
            who,
            sending.preview_send,
            show="refusal",
            interaction_id=self.interaction_id,
            from_number=self.from_number,
            to=self._recipient(),
        )
        if isinstance(result, ServiceError):
            return
        self.preview = f"Send will {result.plan}."

    @rx.event
    async def attach(self, files: list[rx.UploadFile]) -> None:
        """Attach File: each file is judged now (type from its bytes, the policy's limits for
        all attached so far), read no further than the policy allows."""
        self.attach_error = ""
        if not isinstance(files, list) or not all(isinstance(f, rx.UploadFile) for f in files):
            self.attach_error = "Attach files with Attach File."  # an upload, not an event
            return
        try:
            actor = await self._require(Role.AGENT)
            policy = await self._off_loop(uploads.upload_policy, actor=actor)
            candidates = await _read_files(
                files, policy, already=(len(self.files), sum(f.size for f in self.files))
            )
            kept = await self._off_loop(
                staged.stage,
                actor=actor,
                files=candidates,
                already=[f.id for f in self.files],
            )
        except ServiceError as refused:
            self.attach_error = refused.message
            return
        self.files = [
            StagedItem(
                f.id,
                f.filename,
                f.size,
                f.size_label,
                media_path(f.id, f.filename, ttl=THUMB_TTL),
                f.content_type.startswith("image/"),
            )
            for f in kept
        ]

    @rx.event
    async def remove_file(self, attachment_id: int) -> None:
        discarded = await self._serve(
            Role.AGENT, staged.discard, show="attach_error", attachment_id=attachment_id
        )
        if isinstance(discarded, ServiceError):
            return
        self.files = [f for f in self.files if f.id != attachment_id]
        self.attach_error = ""

    async def _discard_all(self) -> None:
        for item in list(self.files):
            await self.remove_file(item.id)

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
        return await self._send(confirmed=False)

    async def _send(self, *, confirmed: bool) -> list[EventSpec] | EventSpec | None:
        """Sends once: the idempotency key makes a repeated click return the first result."""
        self.error = ""
        if self.mode == NOTE:
            return await self._add_note()
        if not self.body.strip() and not self.files:
            self.error = "Write a message or attach a file."
            return focus_message()
        try:
            request = sending.SendRequest(
                from_number=self.from_number,
                to=self._recipient(),
                body=self.body,
                interaction_id=self.interaction_id,
                idempotency_key=self.idempotency_key,
                confirmed=confirmed,
                staged=tuple(f.id for f in self.files),
            )
            actor = await self._require(Role.AGENT)
            result = await self._off_loop(sending.send_sms, actor=actor, request=request)
        except ConfirmationNeeded as question:
            self.confirm = question.message
            return None
        except ServiceError as refused:
            self.error = refused.message
            await self._preview()  # the situation may have changed (e.g. the number opted out)
            return None
        self.confirm = self.attach_error = ""
        self.files = []
        self._set_body("")
        self._drafts = {k: v for k, v in self._drafts.items() if k != self.interaction_id}
        self.idempotency_key = uuid.uuid4().hex
        self.is_open = self.inline or result.interaction_id != self.interaction_id
        events: list[EventSpec] = [
            rx.toast.success(f"Queued in {result.interaction_number}: {result.summary}."),
            self._forget_browser_draft(),
        ]
        if result.interaction_id != self.interaction_id:
            events.append(rx.redirect(f"/interactions/{result.interaction_id}"))
        else:
            await self._preview(actor)
            events.append(focus_message())
        return events

    def _forget_browser_draft(self) -> EventSpec:
        """The text went: the browser's copy of it goes too (assets/workspace.js)."""
        return rx.call_script(
            f"window.awDrafts && window.awDrafts.forget({json.dumps(self.draft_key)})"
        )


async def _read_files(
    files: list[rx.UploadFile], policy: AttachmentPolicy, *, already: tuple[int, int] = (0, 0)
) -> tuple[CandidateFile, ...]:
    """Reads no more than the policy allows beside the `already` (count, bytes) attached: the
    count first, then each file only up to what is left of the size limit (one byte more shows
    it is over), then stops."""
    count, used = already
    if count + len(files) > policy.max_files:
        raise InvalidInput(too_many_files(count + len(files), policy).message)
    left = policy.max_total_bytes - used
    candidates = []
    for file in files:
        name = file.name or "attachment"
        allowed = min(policy.max_file_bytes, left)
        if file.size is not None and file.size > allowed:
            raise InvalidInput(file_too_large(name, policy).message)
        data = await file.read(allowed + 1)
        if len(data) > allowed:
            raise InvalidInput(file_too_large(name, policy).message)
        left -= len(data)
        candidates.append(CandidateFile(name=name, data=data))
    return tuple(candidates)
