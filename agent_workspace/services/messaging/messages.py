"""Messages as the conversation shows them, numbered by position in their interaction.

Live pushes carry only the latest few (the tail), so their cost does not grow with the
conversation; each tab loads the older history once, and again only if it falls behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.models import Attachment, Message, Role, User
from agent_workspace.services.access import Actor, require_role
from agent_workspace.sms.errors import describe_error

TAIL = 20  # messages every push carries
MAX_HISTORY = 200  # older messages a tab loads at once


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    content_type: str
    size: int
    ready: bool
    error: str


@dataclass(frozen=True)
class MessageView:
    id: int
    seq: int  # 1 for the interaction's first message
    direction: str
    body: str
    status: str
    problem: str  # the provider's error in words, or why it is still waiting
    author: str
    from_number: str
    to_number: str
    at: datetime
    attachments: tuple[AttachmentView, ...]


def count_messages(session: Session, interaction_id: int) -> int:
    query = select(sa.func.count()).select_from(Message)
    return session.exec(query.where(Message.interaction_id == interaction_id)).one()


def tail(session: Session, interaction_id: int, total: int) -> tuple[MessageView, ...]:
    """The latest TAIL messages, oldest first."""
    return _window(session, interaction_id, offset=max(0, total - TAIL), limit=TAIL)


def history(
    *, actor: Actor | None, interaction_id: int, before_seq: int, engine: Engine | None = None
) -> tuple[MessageView, ...]:
    """Up to MAX_HISTORY messages just before position `before_seq`, oldest first."""
    require_role(actor, Role.AGENT)
    end = max(0, before_seq - 1)
    start = max(0, end - MAX_HISTORY)
    with reading(engine) as session:
        return _window(session, interaction_id, offset=start, limit=end - start)


def _window(
    session: Session, interaction_id: int, *, offset: int, limit: int
) -> tuple[MessageView, ...]:
    if limit <= 0:
        return ()
    rows = session.exec(
        select(Message)
        .where(Message.interaction_id == interaction_id)
        .order_by(col(Message.created_at), col(Message.id))
        .offset(offset)
        .limit(limit)
    ).all()
    authors = _authors(session, {m.author_id for m in rows if m.author_id})
    files = _attachments(session, [m.id for m in rows if m.id is not None])
    views = []
    for position, m in enumerate(rows, start=offset + 1):
        assert m.id is not None
        views.append(
            MessageView(
                id=m.id,
                seq=position,
                direction=m.direction.value,
                body=m.body,
                status=m.status.value,
                problem=_problem(m),
                author=authors.get(m.author_id, "") if m.author_id else "",
                from_number=m.from_number,
                to_number=m.to_number,
                at=m.created_at,
                attachments=tuple(files.get(m.id, [])),
            )
        )
    return tuple(views)


def _authors(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    users = session.exec(select(User).where(col(User.id).in_(ids))).all()
    return {u.id: u.display_name for u in users if u.id is not None}


def _attachments(session: Session, message_ids: list[int]) -> dict[int, list[AttachmentView]]:
    files: dict[int, list[AttachmentView]] = {}
    if not message_ids:
        return files
    rows = session.exec(
        select(Attachment)
        .where(col(Attachment.message_id).in_(message_ids))
        .order_by(col(Attachment.id))
    ).all()
    for a in rows:
        assert a.id is not None
        assert a.message_id is not None
        ready = a.storage_key is not None
        files.setdefault(a.message_id, []).append(
            AttachmentView(a.id, a.filename, a.content_type, a.size, ready, a.fetch_error or "")
        )
    return files


def _problem(message: Message) -> str:
    if message.status.value in ("failed", "undelivered"):
        if message.error_message:
            return message.error_message
        return describe_error(message.error_code) if message.error_code else "Not delivered."
    if message.status.value == "queued" and message.error_message:
        return message.error_message  # e.g. "Retrying: the provider is unreachable"
    return ""


def all_messages(
    session: Session, interaction_id: int, *, limit: int = 10_000
) -> tuple[MessageView, ...]:
    """Every message of the interaction, oldest first (a transcript), up to `limit`."""
    return _window(session, interaction_id, offset=0, limit=limit)
