"""Attach File: files judged and staged as they are attached, before Send (services/files)."""

from __future__ import annotations

import reflex as rx

from agent_workspace.domain.attachments import (
    DEFAULT_ALLOWED_TYPES,
    KNOWN_TYPES,
    AttachmentPolicy,
    AttachmentRejected,
    CandidateFile,
    over_limit,
    read_limit,
    room_for,
)
from agent_workspace.models import Role
from agent_workspace.services.errors import InvalidInput, ServiceError
from agent_workspace.services.files import staged, uploads
from agent_workspace.services.files.media_links import media_path
from agent_workspace.state.compose_base import ComposerBase
from agent_workspace.state.views import StagedItem

UPLOAD_ID = "compose_files"
THUMB_TTL = 3600


class ComposeFilesMixin(ComposerBase, mixin=True):
    attach_error: str = ""
    files: list[StagedItem] = []
    # The file picker offers what the channel's policy allows (the server checks the bytes).
    accept: dict[str, list[str]] = {t: list(KNOWN_TYPES[t]) for t in DEFAULT_ALLOWED_TYPES}

    @rx.var
    def picker_accept(self) -> str:
        """What the file picker offers first (its "All files" still lets any file through, and
        the server judges each by its bytes when it is attached)."""
        return ",".join([*self.accept, *(ext for exts in self.accept.values() for ext in exts)])

    def _offer_types(self, allowed_types: frozenset[str]) -> None:
        self.accept = {t: list(KNOWN_TYPES.get(t, ())) for t in allowed_types}

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
        self._message_changed()

    @rx.event
    async def remove_file(self, attachment_id: int) -> None:
        discarded = await self._serve(
            Role.AGENT, staged.discard, show="attach_error", attachment_id=attachment_id
        )
        if isinstance(discarded, ServiceError):
            return
        self.files = [f for f in self.files if f.id != attachment_id]
        self.attach_error = ""
        self._message_changed()

    async def _discard_all(self) -> None:
        for item in list(self.files):
            await self.remove_file(item.id)


async def _read_files(
    files: list[rx.UploadFile], policy: AttachmentPolicy, *, already: tuple[int, int] = (0, 0)
) -> tuple[CandidateFile, ...]:
    """Reads no more than the policy allows beside the `already` (count, bytes) attached: the
    count first, then each file only up to what is left of the size limit (one byte more shows
    it is over), then stops."""
    count, used = already
    candidates = []
    try:
        room = room_for(len(files), policy, attached=count, used=used)
        for file in files:
            name = file.name or "attachment"
            allowed = read_limit(name, file.size, room, policy)
            data = await file.read(allowed + 1)
            over_limit(name, len(data), allowed, policy)
            room -= len(data)
            candidates.append(CandidateFile(name=name, data=data))
    except AttachmentRejected as rejected:
        raise InvalidInput(rejected.message) from rejected
    return tuple(candidates)
