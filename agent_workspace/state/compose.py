"""The Compose SMS form: From, To (or Other), Message with counter, Attach File, Send."""

from __future__ import annotations

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
from agent_workspace.domain.phone import PhoneOk, display_phone, parse_phone
from agent_workspace.domain.segments import MAX_BODY_CHARS, count_segments
from agent_workspace.models import Role
from agent_workspace.services.channels import numbers
from agent_workspace.services.errors import InvalidInput, ServiceError
from agent_workspace.services.files import uploads
from agent_workspace.services.messaging import conversation, sending
from agent_workspace.state.channel_feed import CHANNEL_LINK, ChannelFeed
from agent_workspace.state.session import SessionState
from agent_workspace.state.views import Choice

UPLOAD_ID = "compose_files"
OTHER = "other"


class ComposeState(SessionState):
    """One compose form per tab; every handler re-checks the agent role on the server."""

    is_open: bool = False
    interaction_id: int = 0
    region: str = "US"
    from_options: list[Choice] = []
    from_number: str = ""
    to_options: list[Choice] = []
    to_choice: str = ""
    other_text: str = ""
    other_e164: str = ""
    other_error: str = ""
    body: str = ""
    counter: str = f"{MAX_BODY_CHARS} characters left"
    over_limit: bool = False
    preview: str = ""
    error: str = ""
    idempotency_key: str = ""
    # The file picker offers what the channel's policy allows (the server checks the bytes).
    accept: dict[str, list[str]] = {t: list(KNOWN_TYPES[t]) for t in DEFAULT_ALLOWED_TYPES}

    @rx.event
    async def start(self) -> None:
        """Opens the form for the interaction in the URL (never an id sent by the browser)."""
        interaction_id = self._interaction_in_url() or 0
        try:
            actor = await self._require(Role.AGENT)
            options = await self._off_loop(
                conversation.compose_options,
                actor=actor,
                interaction_id=interaction_id,
                default_region=get_settings().default_region,
            )
            # The From list follows the channel live (an admin adds or removes a number).
            feed = await self._link_feed(ChannelFeed, CHANNEL_LINK)
            feed._show(await self._off_loop(numbers.sending_numbers, actor=actor))
        except ServiceError as refused:
            self.error = refused.message
            self.is_open = True
            return
        self.interaction_id = interaction_id
        self.region = options.region
        self.accept = {t: list(KNOWN_TYPES.get(t, ())) for t in options.allowed_types}
        self.from_options = [Choice(n, display_phone(n)) for n in options.from_numbers]
        self.from_number = options.from_numbers[0] if len(options.from_numbers) == 1 else ""
        self.to_options = [Choice(o.e164, o.label) for o in options.to_options]
        self.to_options.append(Choice(OTHER, "Other…"))
        self.to_choice = options.to_options[0].e164 if options.to_options else OTHER
        self.other_text = self.other_e164 = self.other_error = self.error = ""
        self._set_body("")
        self.idempotency_key = uuid.uuid4().hex
        self.is_open = True
        await self._preview()

    @rx.event
    def close(self) -> EventSpec:
        self.is_open = False
        return rx.clear_selected_files(UPLOAD_ID)

    @rx.event
    async def set_from(self, value: str) -> None:
        self.from_number = value
        await self._preview()

    @rx.event
    async def set_to_choice(self, value: str) -> None:
        self.to_choice = value
        await self._preview()

    @rx.event
    async def set_other_text(self, value: str) -> None:
        """Converts what the agent types to E.164 as they type."""
        self.other_text = value
        result = parse_phone(value, default_region=self.region) if value.strip() else None
        self.other_e164 = result.e164 if isinstance(result, PhoneOk) else ""
        self.other_error = result.message if result and not isinstance(result, PhoneOk) else ""
        await self._preview()

    @rx.event
    def set_body(self, value: str) -> None:
        self._set_body(value)

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

    async def _preview(self) -> None:
        """Tells the agent which workflow Send will take, before they send."""
        self.preview = ""
        if not self.from_number or not self._recipient().strip() or self.other_error:
            return
        try:
            result = await self._off_loop(
                sending.preview_send,
                actor=await self._require(Role.AGENT),
                interaction_id=self.interaction_id,
                from_number=self.from_number,
                to=self._recipient(),
            )
        except ServiceError as refused:
            self.preview = f"Cannot send: {refused.message}"
            return
        self.preview = f"Send will: {result.summary}."

    @rx.event
    async def send(self, files: list[rx.UploadFile]) -> list[EventSpec] | EventSpec | None:
        """Sends once: a repeated click finds the form closed and the body empty, and a
        concurrent retry carries the same idempotency key.

        Who sends is checked before a file is read, and files are read only as far as the
        channel's policy allows. Database work runs off the event loop (it is every tab's).
        """
        self.error = ""
        try:
            actor = await self._require(Role.AGENT)
            policy = await self._off_loop(uploads.upload_policy, actor=actor)
            candidates = await _read_files(files, policy)
            request = sending.SendRequest(
                from_number=self.from_number,
                to=self._recipient(),
                body=self.body,
                interaction_id=self.interaction_id,
                files=candidates,
                idempotency_key=self.idempotency_key,
            )
            result = await self._off_loop(sending.send_sms, actor=actor, request=request)
        except ServiceError as refused:
            self.error = refused.message
            await self._preview()  # the situation may have changed (e.g. the number opted out)
            return None
        self.is_open = False
        self._set_body("")
        self.idempotency_key = uuid.uuid4().hex
        events: list[EventSpec] = [
            rx.clear_selected_files(UPLOAD_ID),
            rx.toast.success(f"Queued in {result.interaction_number}: {result.summary}."),
        ]
        if result.interaction_id != self.interaction_id:
            events.append(rx.redirect(f"/interactions/{result.interaction_id}"))
        return events


async def _read_files(
    files: list[rx.UploadFile], policy: AttachmentPolicy
) -> tuple[CandidateFile, ...]:
    """Reads no more than the policy allows: the count first, then each file only up to what
    is left of the size limit (one byte more shows it is over), then stops."""
    if len(files) > policy.max_files:
        raise InvalidInput(too_many_files(len(files), policy).message)
    left = policy.max_total_bytes
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
