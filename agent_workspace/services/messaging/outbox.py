"""The outbox: queued messages claimed under a fenced lease, and the outcome of each provider call.

A message is marked "in flight" (needs_reconcile) when it is claimed and cleared only when the
outcome is certain, so a crash or timeout mid-send leads to a provider lookup, never a re-send.
Each claim writes a fresh lease token; renewing the lease and recording an outcome are single
UPDATEs conditioned on that token, so a dispatcher whose lease was taken over by another one can
neither go on sending nor record anything (STYLE.md: a fence for every lease).
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.db.locks import lock_sid
from agent_workspace.domain.delivery import stored_status
from agent_workspace.models import (
    Attachment,
    Direction,
    EarlyStatus,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, SYSTEM, AuditAction, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.messaging.statuses import advance, provider_opt_out

log = logging.getLogger(__name__)
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
    lease_token: str


def claim_due(
    *, limit: int = 1, lease: timedelta = LEASE, engine: Engine | None = None
) -> list[OutboundJob]:
    """Leases up to `limit` due messages to this dispatcher (others skip them).

    Claim few at a time: a lease only protects the message its holder is working on, and a
    message waiting behind a slow send in someone's batch is a message nobody else may send.
    """
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
            token = secrets.token_hex(16)
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
                    lease_token=token,
                )
            )
            message.lease_until = now + lease
            message.lease_token = token
            message.attempts += 1
            message.needs_reconcile = True  # in flight until the outcome is known
            session.add(message)
        return jobs


def renew_lease(
    *, message_id: int, lease_token: str, lease: timedelta = LEASE, engine: Engine | None = None
) -> bool:
    """Extends a lease its holder still has; False once another dispatcher has claimed it."""
    with transaction(engine) as session:
        held = _fenced(session, message_id, lease_token, lease_until=utcnow() + lease)
        return held is not None


def _fenced(session: Session, message_id: int, token: str, /, **values: Any) -> Message | None:
    """Writes `values` only if lease `token` still holds the message; the message, or None.

    The check and the write are one UPDATE, so no claim can slip in between them.
    """
    changed = session.execute(
        sa.update(Message)
        .where(col(Message.id) == message_id, col(Message.lease_token) == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        log.info("message %s: lease %s was lost, nothing recorded", message_id, token)
        return None
    return session.get(Message, message_id, populate_existing=True)


def _media(session: Session, message_id: int) -> tuple[tuple[int, str], ...]:
    rows = session.exec(
        select(Attachment).where(Attachment.message_id == message_id).order_by(col(Attachment.id))
    ).all()
    return tuple((a.id, a.filename) for a in rows if a.id is not None)


def mark_accepted(
    *,
    message_id: int,
    lease_token: str,
    sid: str,
    status: str,
    error_code: int | None = None,
    engine: Engine | None = None,
) -> bool:
    """The provider took the message: keep its sid, then apply any callback that beat us here.

    Returns False (and records nothing) when the lease was lost.
    """
    with transaction(engine) as session:
        lock_sid(session, sid)
        now = utcnow()
        message = _fenced(
            session,
            message_id,
            lease_token,
            provider_sid=sid,
            lease_until=None,
            lease_token=None,
            needs_reconcile=False,
            next_attempt_at=None,
            error_message=None,  # no "Retrying: ..." left once it went out
            updated_at=now,
        )
        if message is None:
            return False
        message.sent_at = message.sent_at or now
        advance(session, message, status, error_code)
        for early in session.exec(select(EarlyStatus).where(EarlyStatus.provider_sid == sid)).all():
            advance(session, message, early.status.value, early.error_code)
            session.delete(early)
        record(
            session=session,
            actor=PROVIDER,
            action=AuditAction.MESSAGE_ACCEPTED,
            entity=message,
            detail={"sid": sid, "status": message.status.value},
        )
        events.after_commit(session, events.InteractionChanged(message.interaction_id))
        return True


def mark_failed(
    *,
    message_id: int,
    lease_token: str,
    code: int | None,
    reason: str,
    opted_out: bool = False,
    engine: Engine | None = None,
) -> bool:
    """The provider refused the message for good; an opt-out refusal also records the opt-out."""
    with transaction(engine) as session:
        message = _fenced(
            session,
            message_id,
            lease_token,
            status=MessageStatus.FAILED,
            error_code=code,
            error_message=reason[:400],
            lease_until=None,
            lease_token=None,
            needs_reconcile=False,
            updated_at=utcnow(),
        )
        if message is None:
            return False
        if opted_out:
            provider_opt_out(session, message)
        record(
            session=session,
            actor=PROVIDER,
            action=AuditAction.MESSAGE_FAILED,
            entity=message,
            detail={"code": code, "reason": reason},
        )
        events.after_commit(session, events.InteractionChanged(message.interaction_id))
        return True


def mark_retry(
    *,
    message_id: int,
    lease_token: str,
    delay: timedelta,
    uncertain: bool,
    reason: str,
    engine: Engine | None = None,
) -> bool:
    """Try again later; `uncertain` means the provider may have it, so look before re-sending."""
    with transaction(engine) as session:
        now = utcnow()
        message = _fenced(
            session,
            message_id,
            lease_token,
            next_attempt_at=now + delay,
            lease_until=None,
            lease_token=None,
            needs_reconcile=uncertain,
            error_message=f"Retrying: {reason}"[:400],
            updated_at=now,
        )
        if message is None:
            return False
        record(
            session=session,
            actor=SYSTEM,
            action=AuditAction.MESSAGE_RETRY_SCHEDULED,
            entity=message,
            detail={"in_seconds": delay.total_seconds(), "uncertain": uncertain, "reason": reason},
        )
        events.after_commit(session, events.InteractionChanged(message.interaction_id))
        return True


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
        lock_sid(session, sid)
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
        changed = advance(session, message, new, error_code)
        if changed:
            events.after_commit(session, events.InteractionChanged(message.interaction_id))
        return changed
