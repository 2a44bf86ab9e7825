"""The outbox: queued messages claimed under a lease, and the outcome of each provider call.

A message is marked "in flight" (needs_reconcile) when it is claimed and cleared only when the
outcome is certain, so a crash or timeout mid-send leads to a provider lookup, never a re-send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.delivery import advances, stored_status
from agent_workspace.models import (
    Attachment,
    Direction,
    EarlyStatus,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, SYSTEM, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.messaging.opt_outs import set_opt_out
from agent_workspace.sms.errors import describe_error

LEASE = timedelta(seconds=60)


@dataclass(frozen=True)
class OutboundJob:
    message_id: int
    interaction_id: int
    to: str
    from_: str
    body: str
    media: tuple[tuple[int, str], ...]  # (attachment id, filename)
    created_at: datetime
    attempts: int
    reconcile_first: bool


def claim_due(*, limit: int = 10, engine: Engine | None = None) -> list[OutboundJob]:
    """Leases up to `limit` due messages to this dispatcher (others skip them)."""
    now = utcnow()
    with transaction(engine) as session:
        query = (
            select(Message)
            .where(
                Message.direction == Direction.OUTBOUND,
                Message.status == MessageStatus.QUEUED,
                col(Message.provider_sid).is_(None),
                or_(col(Message.next_attempt_at).is_(None), col(Message.next_attempt_at) <= now),
                or_(col(Message.lease_until).is_(None), col(Message.lease_until) < now),
            )
            .order_by(col(Message.id))
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        jobs = []
        for message in session.exec(query).all():
            assert message.id is not None
            jobs.append(
                OutboundJob(
                    message_id=message.id,
                    interaction_id=message.interaction_id,
                    to=message.to_number,
                    from_=message.from_number,
                    body=message.body,
                    media=_media(session, message.id),
                    created_at=message.created_at,
                    attempts=message.attempts + 1,
                    reconcile_first=message.needs_reconcile,
                )
            )
            message.lease_until = now + LEASE
            message.attempts += 1
            message.needs_reconcile = True  # in flight until the outcome is known
            session.add(message)
        return jobs


def _media(session: Session, message_id: int) -> tuple[tuple[int, str], ...]:
    rows = session.exec(
        select(Attachment).where(Attachment.message_id == message_id).order_by(col(Attachment.id))
    ).all()
    return tuple((a.id, a.filename) for a in rows if a.id is not None)


def mark_accepted(
    *,
    message_id: int,
    sid: str,
    status: str,
    error_code: int | None = None,
    engine: Engine | None = None,
) -> None:
    """The provider took the message: keep its sid, then apply any callback that beat us here."""
    with transaction(engine) as session:
        _lock_sid(session, sid)
        message = session.get(Message, message_id)
        assert message is not None
        message.provider_sid = sid
        message.lease_until = None
        message.needs_reconcile = False
        message.next_attempt_at = None
        message.sent_at = message.sent_at or utcnow()
        _advance(session, message, status, error_code)
        for early in session.exec(select(EarlyStatus).where(EarlyStatus.provider_sid == sid)).all():
            _advance(session, message, early.status.value, early.error_code)
            session.delete(early)
        record(
            session=session,
            actor=PROVIDER,
            action="message.accepted",
            entity=message,
            detail={"sid": sid, "status": message.status.value},
        )
        events.after_commit(session, events.InteractionChanged(message.interaction_id))


def mark_failed(
    *,
    message_id: int,
    code: int | None,
    reason: str,
    opted_out: bool = False,
    engine: Engine | None = None,
) -> None:
    """The provider refused the message for good; an opt-out refusal also records the opt-out."""
    with transaction(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.status = MessageStatus.FAILED
        message.error_code = code
        message.error_message = reason[:400]
        message.lease_until = None
        message.needs_reconcile = False
        message.updated_at = utcnow()
        session.add(message)
        if opted_out:
            _provider_opt_out(session, message)
        record(
            session=session,
            actor=PROVIDER,
            action="message.failed",
            entity=message,
            detail={"code": code, "reason": reason},
        )
        events.after_commit(session, events.InteractionChanged(message.interaction_id))


def mark_retry(
    *,
    message_id: int,
    delay: timedelta,
    uncertain: bool,
    reason: str,
    engine: Engine | None = None,
) -> None:
    """Try again later; `uncertain` means the provider may have it, so look before re-sending."""
    with transaction(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.next_attempt_at = utcnow() + delay
        message.lease_until = None
        message.needs_reconcile = uncertain
        message.error_message = f"Retrying: {reason}"[:400]
        message.updated_at = utcnow()
        session.add(message)
        record(
            session=session,
            actor=SYSTEM,
            action="message.retry_scheduled",
            entity=message,
            detail={"in_seconds": delay.total_seconds(), "uncertain": uncertain, "reason": reason},
        )
        events.after_commit(session, events.InteractionChanged(message.interaction_id))


def sids_in_use(sids: list[str], *, engine: Engine | None = None) -> set[str]:
    """Which of these provider sids already belong to one of our messages."""
    if not sids:
        return set()
    with reading(engine) as session:
        found = session.exec(
            select(Message.provider_sid).where(col(Message.provider_sid).in_(sids))
        )
        return {s for s in found.all() if s}


def apply_delivery_status(
    *, sid: str, status: str, error_code: int | None, engine: Engine | None = None
) -> bool:
    """A status callback: applied if it moves the message on; kept if the sid is not known yet."""
    new = stored_status(status)
    if new is None:
        return False
    with transaction(engine) as session:
        _lock_sid(session, sid)
        message = session.exec(select(Message).where(Message.provider_sid == sid)).first()
        if message is None:
            session.add(
                EarlyStatus(provider_sid=sid, status=MessageStatus(new), error_code=error_code)
            )
            return False
        if message.direction is Direction.INBOUND:
            raise InvalidInput(
                f"{sid} is an inbound message; status callbacks are for messages we send."
            )
        changed = _advance(session, message, new, error_code)
        if changed:
            events.after_commit(session, events.InteractionChanged(message.interaction_id))
        return changed


def _lock_sid(session: Session, sid: str) -> None:
    """Serialises a callback for `sid` with the accept that records it.

    Without it (PostgreSQL, read committed) a callback can miss the sid that an accept has
    written but not yet committed, and its EarlyStatus row is written after the accept looked
    for early rows: the status would be lost. SQLite already serialises writers.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"sms-sid:{sid}"},
        )


def _advance(session: Session, message: Message, status: str, error_code: int | None) -> bool:
    new = stored_status(status)
    if new is None or not advances(message.status.value, new):
        return False
    previous = message.status
    message.status = MessageStatus(new)
    message.updated_at = utcnow()
    if new == "delivered":
        message.delivered_at = message.updated_at
    if new in ("failed", "undelivered"):
        message.error_code = error_code
        message.error_message = (
            describe_error(error_code) if error_code else "The carrier did not deliver it."
        )
        if error_code == 21610:
            _provider_opt_out(session, message)
    session.add(message)
    record(
        session=session,
        actor=PROVIDER,
        action="message.status",
        entity=message,
        detail={"from": previous.value, "to": new, "error_code": error_code},
    )
    return True


def _provider_opt_out(session: Session, message: Message) -> None:
    """Twilio refused with 21610: the recipient opted out of this sender, so record it."""
    set_opt_out(
        session,
        sender=message.from_number,
        phone=message.to_number,
        opted_out=True,
        keyword="STOP",
        why="provider error 21610",
    )
