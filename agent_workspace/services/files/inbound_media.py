"""Inbound MMS media: downloaded after the webhook has been answered, retried, never lost."""

from __future__ import annotations

import random
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.attachments import sanitize_filename
from agent_workspace.domain.media_types import detect_content_type
from agent_workspace.domain.provider import retry_delay
from agent_workspace.models import Attachment, Message, utcnow
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, AuditAction, record
from agent_workspace.services.files.storage import store_files

# With the backoff (1 s, 2 s, 4 s ...) this rides out a provider outage of a minute
# or more before the reason is shown.
MAX_FETCH_ATTEMPTS = 8


@dataclass(frozen=True)
class MediaJob:
    attachment_id: int
    url: str
    declared_type: str
    attempts: int = 0  # failed downloads so far


PENDING_BATCH = 10


def pending_media(*, limit: int = PENDING_BATCH, engine: Engine | None = None) -> list[MediaJob]:
    """Attachments still to download whose retry time has come, oldest first."""
    with reading(engine) as session:
        query = select(Attachment).where(
            col(Attachment.storage_key).is_(None),
            col(Attachment.provider_media_url).is_not(None),
            col(Attachment.provider_media_url) != "",  # filtered here, not after the LIMIT
            col(Attachment.fetch_error).is_(None),
            or_(col(Attachment.next_fetch_at).is_(None), col(Attachment.next_fetch_at) <= utcnow()),
        )
        rows = session.exec(query.order_by(col(Attachment.id)).limit(limit)).all()
        return [
            MediaJob(a.id, a.provider_media_url, a.content_type, a.fetch_attempts)
            for a in rows
            if a.id is not None and a.provider_media_url
        ]


def store_media(
    *, attachment_id: int, data: bytes, declared_type: str, engine: Engine | None = None
) -> None:
    """Keeps the bytes as the type they are; the provider's (or sender's) word is only noted.

    A consumer's phone says what it likes: "image/jpeg" on an HTML page would otherwise be
    stored, shown and served as a picture.
    """
    detected = detect_content_type(data)
    declared = declared_type.split(";")[0].strip().lower()
    with transaction(engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.storage_key is not None:
            return
        [(key, digest)] = store_files(session, [data])
        attachment.storage_key, attachment.sha256, attachment.size = key, digest, len(data)
        attachment.content_type = detected
        attachment.filename = sanitize_filename(attachment.filename, detected)
        session.add(attachment)
        detail: dict[str, object] = {"size": len(data), "content_type": detected}
        if declared != detected:
            detail["declared_type"] = declared[:100]
        record(
            session=session,
            actor=PROVIDER,
            action=AuditAction.ATTACHMENT_FETCHED,
            entity=attachment,
            detail=detail,
        )
        _announce(session, attachment)


def media_failed(
    *, attachment_id: int, reason: str, permanent: bool = False, engine: Engine | None = None
) -> None:
    """Counts a failed download; a refusal (`permanent`) or the MAX_FETCH_ATTEMPTS-th failure
    keeps the reason and shows it. A refusal can never succeed, so it is not tried again."""
    with transaction(engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.fetch_error is not None:
            return
        attachment.fetch_attempts += 1
        # Back off (1 s, 2 s, 4 s ...) so a short provider outage does not use up every attempt.
        delay = retry_delay(attachment.fetch_attempts, retry_after=None, jitter=random.random())
        attachment.next_fetch_at = utcnow() + delay
        if permanent or attachment.fetch_attempts >= MAX_FETCH_ATTEMPTS:
            attachment.fetch_error = reason[:300]
            record(
                session=session,
                actor=PROVIDER,
                action=AuditAction.ATTACHMENT_FETCH_FAILED,
                entity=attachment,
                detail={"reason": reason, "attempts": attachment.fetch_attempts},
            )
            _announce(session, attachment)
        session.add(attachment)


def _announce(session: Session, attachment: Attachment) -> None:
    message = session.get(Message, attachment.message_id) if attachment.message_id else None
    if message is not None:
        events.after_commit(
            session, events.InteractionChanged(message.interaction_id, messages_only=True)
        )
