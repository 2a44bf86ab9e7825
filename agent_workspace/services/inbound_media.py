"""Inbound MMS media: downloaded after the webhook has been answered, retried, never lost."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import sanitize_filename, sniff_content_type
from agent_workspace.models import Attachment, Message
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, record
from agent_workspace.services.storage import store_bytes

MAX_FETCH_ATTEMPTS = 5


@dataclass(frozen=True)
class MediaJob:
    attachment_id: int
    url: str
    declared_type: str


def pending_media(*, limit: int = 10, engine: Engine | None = None) -> list[MediaJob]:
    with transaction(engine) as session:
        rows = session.exec(
            select(Attachment)
            .where(
                col(Attachment.storage_key).is_(None),
                col(Attachment.provider_media_url).is_not(None),
                col(Attachment.fetch_error).is_(None),
            )
            .order_by(col(Attachment.id))
            .limit(limit)
        ).all()
        return [
            MediaJob(a.id, a.provider_media_url, a.content_type)
            for a in rows
            if a.id is not None and a.provider_media_url
        ]


def store_media(
    *, attachment_id: int, data: bytes, content_type: str, engine: Engine | None = None
) -> None:
    """Keeps the bytes; the type is what the bytes say, falling back to the provider's word."""
    key, digest = store_bytes(data)
    detected = sniff_content_type(data) or content_type.split(";")[0].strip()
    with transaction(engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or attachment.storage_key is not None:
            return
        attachment.storage_key, attachment.sha256, attachment.size = key, digest, len(data)
        attachment.content_type = detected
        attachment.filename = sanitize_filename(attachment.filename, detected)
        session.add(attachment)
        record(
            session=session,
            actor=PROVIDER,
            action="attachment.fetched",
            entity=attachment,
            detail={"size": len(data), "content_type": detected},
        )
        _announce(session, attachment)


def media_failed(*, attachment_id: int, reason: str, engine: Engine | None = None) -> None:
    """Counts a failed download; after MAX_FETCH_ATTEMPTS the reason is kept and shown."""
    with transaction(engine) as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None:
            return
        attachment.fetch_attempts += 1
        if attachment.fetch_attempts >= MAX_FETCH_ATTEMPTS:
            attachment.fetch_error = reason[:300]
            record(
                session=session,
                actor=PROVIDER,
                action="attachment.fetch_failed",
                entity=attachment,
                detail={"reason": reason},
            )
            _announce(session, attachment)
        session.add(attachment)


def _announce(session: Session, attachment: Attachment) -> None:
    message = session.get(Message, attachment.message_id) if attachment.message_id else None
    if message is not None:
        events.after_commit(session, events.InteractionChanged(message.interaction_id))
