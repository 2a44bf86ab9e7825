"""Files an agent attached in the composer but has not sent yet.

Each file is judged the moment it is attached (type from its bytes, the policy's count and size
for everything attached so far), so a refusal shows at once and the agent sees a thumbnail,
name and size of what will go. Send takes the staged files with the message; a staged file
nobody sends is removed with `discard` (its bytes at once, unless another attachment shares
them), or goes stale and is expired by the file collector (files/collection.py).

Send, discard and the collector take a staged row with its row lock: a file Send is taking
cannot expire under it, and one that expired first is "gone" to Send, never half there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.attachments import (
    AttachmentRejected,
    CandidateFile,
    check_attachments,
    describe_size,
)
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import Attachment, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.files import unreferenced
from agent_workspace.services.files.storage import read_bytes, store_files

# Staged: neither a message's file nor an inbound download.
_UNSENT = (col(Attachment.message_id).is_(None), col(Attachment.provider_media_url).is_(None))

GONE = "An attached file is gone (sent, removed, or kept unsent too long); attach it again."


@dataclass(frozen=True)
class StagedFile:
    id: int
    filename: str
    content_type: str
    size: int
    size_label: str


def stage(
    *,
    actor: Actor | None,
    files: Sequence[CandidateFile],
    already: Sequence[int] = (),
    engine: Engine | None = None,
) -> list[StagedFile]:
    """Checks `files` together with the agent's files `already` staged, then keeps them; the
    whole set is refused with the first problem (nothing kept) if any file breaks the policy."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        kept = _mine(session, agent, already)
        policy = sms_channel(session).policy
        earlier = load_staged(session, agent, already)
        try:
            accepted = check_attachments([*earlier, *files], policy)[len(earlier) :]
        except AttachmentRejected as rejected:
            raise InvalidInput(rejected.message) from rejected
        added = []
        stored = store_files(session, [file.data for file in files])
        for (key, digest), ok in zip(stored, accepted, strict=True):
            row = Attachment(
                filename=ok.filename,
                content_type=ok.content_type,
                size=ok.size,
                sha256=digest,
                storage_key=key,
                uploaded_by_id=agent.user_id,
            )
            session.add(row)
            added.append(row)
        session.flush()
        return [_view(a) for a in (*kept, *added)]


def staged_files(
    *, actor: Actor | None, ids: Sequence[int], engine: Engine | None = None
) -> list[CandidateFile]:
    """The bytes of the agent's staged files, in order, for Send to judge and store."""
    agent = require_role(actor, Role.AGENT)
    with reading(engine) as session:
        return load_staged(session, agent, ids)


def load_staged(session: Session, agent: Actor, ids: Sequence[int]) -> list[CandidateFile]:
    """In the caller's transaction: the agent's staged files as Send judges them."""
    return [
        CandidateFile(a.filename, read_bytes(a.storage_key or ""))
        for a in _mine(session, agent, ids)
    ]


def discard(*, actor: Actor | None, attachment_id: int, engine: Engine | None = None) -> None:
    """Removes a staged file the agent no longer wants (never a sent one, never another's)."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        [row] = _mine(session, agent, [attachment_id])
        session.delete(row)
    unreferenced.release([row.storage_key] if row.storage_key else [], engine=engine)


def forget_sent(session: Session, agent: Actor, ids: Sequence[int]) -> None:
    """Send stored the files with the message: their staged copies go (the bytes stay, shared)."""
    for row in _mine(session, agent, ids):
        session.delete(row)


def expire_unsent(
    *, attached_before: datetime, limit: int = 500, engine: Engine | None = None
) -> list[str]:
    """Removes up to `limit` staged files attached before `attached_before` and never sent (the
    tab closed, the session ended): the storage keys they held. Rows a Send holds are skipped."""
    with transaction(engine) as session:
        query = select(Attachment).where(*_UNSENT, Attachment.created_at < attached_before)
        rows = session.exec(
            query.order_by(col(Attachment.id)).limit(limit).with_for_update(skip_locked=True)
        ).all()
        for row in rows:
            session.delete(row)
        return [row.storage_key for row in rows if row.storage_key]


def _mine(session: Session, agent: Actor, ids: Sequence[int]) -> list[Attachment]:
    if not ids:
        return []
    if not all(is_row_id(i) for i in ids):  # sent by a client: only ids a row can have
        raise NotFound(GONE)
    rows = session.exec(
        select(Attachment)
        .where(
            col(Attachment.id).in_(list(ids)),
            *_UNSENT,
            Attachment.uploaded_by_id == agent.user_id,
        )
        .with_for_update()
    ).all()
    by_id = {a.id: a for a in rows}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise NotFound(GONE)
    return [by_id[i] for i in ids]


def _view(a: Attachment) -> StagedFile:
    assert a.id is not None
    return StagedFile(a.id, a.filename, a.content_type, a.size, describe_size(a.size))
