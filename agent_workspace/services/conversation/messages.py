"""Messages as the conversation shows them, numbered by position in their interaction.

Live pushes carry only the latest few (the tail), so their cost does not grow with the
conversation; each tab loads the older history once, and again only if it falls behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import reading
from agent_workspace.domain.consumer_time import consumer_zone
from agent_workspace.domain.error_playbook import failure_text
from agent_workspace.domain.optout import asks_to_stop
from agent_workspace.domain.quiet_hours import scheduled_text
from agent_workspace.models import Attachment, Direction, Message, MessageStatus, OptOut, User
from agent_workspace.services.access import Actor, access_interaction

TAIL = 20  # messages every push carries
MAX_HISTORY = 200  # older messages a tab loads at once
AUTO_REPLY = "Auto-reply (outside business hours)"  # who the workspace's own reply is by


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
    retry_of: int | None = (
        None  # the failed message this one sends again (services/outbox/retry.py)
    )
    retried_by: int | None = None  # the message that sent this one again
    retry_waiting: bool = False  # that retry waits for its time (the playbook's): Retry sends now
    # A scheduled message: when it goes, in words ("Scheduled for 08:00 their time (Tue)").
    scheduled: str = ""
    # Sent through a Twilio Messaging Service, and the sender Twilio reported ("" until then).
    via_service: bool = False
    provider_from: str = ""
    # A text from the consumer that reads like a request to stop (no keyword caught it): the
    # agent is offered a one-click opt-out (services/conversation/opt_outs.py).
    asks_to_stop: bool = False
    # For such a text, once its phone has opted out of the number it texted: "Opted out by
    # Alice" (or "Opted out: they texted STOP"); "" while the phone may still be texted.
    opted_out: str = ""


def latest(session: Session, interaction_id: int) -> tuple[int, tuple[MessageView, ...]]:
    """How many messages there are, and the latest TAIL of them, oldest first.

    Read newest first (TAIL rows whatever the length; an OFFSET walks past every older one),
    then counted up to the newest row read, so the two agree even when a message commits in
    between (PostgreSQL reads each statement afresh)."""
    rows = list(session.execute(_NEWEST, {"interaction_id": interaction_id}).all())
    if not rows:
        return 0, ()
    newest = rows[0]
    bounds = {"interaction_id": interaction_id, "at": newest.created_at, "id": newest.id}
    total = session.execute(_UP_TO, bounds).scalar_one()
    rows.reverse()
    return total, _views(session, rows, first_seq=total - len(rows) + 1)


def history(
    *, actor: Actor | None, interaction_id: int, before_seq: int, engine: Engine | None = None
) -> tuple[MessageView, ...]:
    """Up to MAX_HISTORY messages just before position `before_seq`, oldest first."""
    end = max(0, before_seq - 1)
    start = max(0, end - MAX_HISTORY)
    with reading(engine) as session:
        access_interaction(session, actor, interaction_id)
        return _window(session, interaction_id, offset=start, limit=end - start)


# Plain rows, not ORM objects, from statements built once: a push reads the latest messages for
# every new one, and building the statement and twenty Message objects each time cost more
# than running the query.
_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_U: sa.Table = User.__table__  # type: ignore[attr-defined]
_F: sa.Table = Attachment.__table__  # type: ignore[attr-defined]
_O: sa.Table = OptOut.__table__  # type: ignore[attr-defined]
_ORDER = (_M.c.created_at, _M.c.id)  # positions count in this order
_RETRY = _M.alias("retry")
_ROWS = (
    sa.select(
        _M.c.id,
        _M.c.direction,
        _M.c.body,
        _M.c.status,
        _M.c.error_code,
        _M.c.error_message,
        _M.c.from_number,
        _M.c.to_number,
        _M.c.created_at,
        _M.c.scheduled_for,
        _M.c.messaging_service_sid,
        _M.c.provider_from,
        _M.c.auto_reply,
        _U.c.display_name.label("author"),
        _M.c.retry_of_id,
        sa.select(_RETRY.c.id)
        .where(_RETRY.c.retry_of_id == _M.c.id)
        .scalar_subquery()
        .label("retried_by"),
        sa.exists()
        .where(
            _RETRY.c.retry_of_id == _M.c.id,
            _RETRY.c.next_attempt_at.is_not(None),
            _RETRY.c.provider_sid.is_(None),
            _RETRY.c.status == MessageStatus.QUEUED,
        )
        .label("retry_waiting"),
    )
    .select_from(_M.outerjoin(_U, _U.c.id == _M.c.author_id))
    .where(_M.c.interaction_id == sa.bindparam("interaction_id"))
)
_NEWEST = _ROWS.order_by(*(c.desc() for c in _ORDER)).limit(TAIL)
_WINDOW = _ROWS.order_by(*_ORDER).offset(sa.bindparam("offset")).limit(sa.bindparam("limit"))
_UP_TO = sa.select(sa.func.count()).where(
    _M.c.interaction_id == sa.bindparam("interaction_id"),
    sa.tuple_(*_ORDER)
    <= sa.tuple_(sa.bindparam("at", type_=_M.c.created_at.type), sa.bindparam("id")),
)
_FILES = (
    sa.select(
        _F.c.id,
        _F.c.message_id,
        _F.c.filename,
        _F.c.content_type,
        _F.c.size,
        _F.c.storage_key,
        _F.c.fetch_error,
    )
    .where(_F.c.message_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_F.c.id)
)


def _window(
    session: Session, interaction_id: int, *, offset: int, limit: int
) -> tuple[MessageView, ...]:
    if limit <= 0:
        return ()
    bounds = {"interaction_id": interaction_id, "offset": offset, "limit": limit}
    return _views(session, session.execute(_WINDOW, bounds).all(), first_seq=offset + 1)


def _views(
    session: Session, rows: Sequence[sa.Row[Any]], *, first_seq: int
) -> tuple[MessageView, ...]:
    files: dict[int, list[AttachmentView]] = {}
    for a in session.execute(_FILES, {"ids": [m.id for m in rows]}) if rows else ():
        ready = a.storage_key is not None
        files.setdefault(a.message_id, []).append(
            AttachmentView(a.id, a.filename, a.content_type, a.size, ready, a.fetch_error or "")
        )
    asking = {m.id for m in rows if m.direction is Direction.INBOUND and asks_to_stop(m.body)}
    opted = _opted_out(session, [m for m in rows if m.id in asking])
    return tuple(
        MessageView(
            id=m.id,
            seq=position,
            direction=m.direction.value,
            body=m.body,
            status=m.status.value,
            problem=_problem(m.status, m.error_message, m.error_code),
            author=m.author or (AUTO_REPLY if m.auto_reply else ""),
            from_number=m.from_number,
            to_number=m.to_number,
            at=m.created_at,
            attachments=tuple(files.get(m.id, [])),
            retry_of=m.retry_of_id,
            retried_by=m.retried_by,
            retry_waiting=bool(m.retry_waiting),
            scheduled=_scheduled(m.status, m.scheduled_for, m.to_number),
            via_service=m.messaging_service_sid is not None,
            provider_from=m.provider_from or "",
            asks_to_stop=m.id in asking,
            opted_out=opted.get((m.to_number, m.from_number), "") if m.id in asking else "",
        )
        for position, m in enumerate(rows, start=first_seq)
    )


def _opted_out(session: Session, asking: Sequence[sa.Row[Any]]) -> dict[tuple[str, str], str]:
    """(sender, phone) -> who opted the phone out, for the texts asking to stop (read only
    when there are some: most conversations have none)."""
    if not asking:
        return {}
    pairs = {(m.to_number, m.from_number) for m in asking}
    found = session.execute(
        sa.select(_O.c.sender, _O.c.phone, _O.c.keyword, _U.c.display_name)
        .select_from(_O.outerjoin(_U, _U.c.id == _O.c.changed_by_id))
        .where(sa.tuple_(_O.c.sender, _O.c.phone).in_(pairs), _O.c.opted_out)
    )
    return {
        (o.sender, o.phone): f"Opted out by {o.display_name}"
        if o.display_name
        else f"Opted out: they texted {o.keyword or 'STOP'}"
        for o in found
    }


def _scheduled(status: MessageStatus, at: datetime | None, to_number: str) -> str:
    if status is not MessageStatus.SCHEDULED or at is None:
        return ""
    where = consumer_zone(to_number)
    return scheduled_text(at, (where.zone,) if where.zone else where.candidates)


def _problem(status: MessageStatus, error_message: str | None, error_code: int | None) -> str:
    if status.value == "unconfirmed":
        return error_message or "Not confirmed: it may have reached the consumer."
    if status.value == "canceled":
        return error_message or "Canceled before it was sent."
    if status.value in ("failed", "undelivered"):
        if error_code:  # the playbook's words now, also for messages that failed before
            return failure_text(error_code)
        return error_message or "Not delivered."
    if status.value == "queued" and error_message:
        return error_message  # e.g. "Sending again shortly (attempt 2): the SMS provider ..."
    return ""


def all_messages(
    session: Session, interaction_id: int, *, limit: int = 10_000
) -> tuple[MessageView, ...]:
    """Every message of the interaction, oldest first (a transcript), up to `limit`."""
    return _window(session, interaction_id, offset=0, limit=limit)
