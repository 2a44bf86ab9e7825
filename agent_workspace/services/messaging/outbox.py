"""The outbox: queued messages claimed under a fenced lease, and the outcome of each provider call.

A message is marked "in flight" (needs_reconcile) when it is claimed and cleared only when the
outcome is certain, so a crash or timeout mid-send leads to a provider lookup, never a re-send.
Each claim writes a fresh lease token; renewing the lease and recording an outcome are single
UPDATEs conditioned on that token, so a dispatcher whose lease was taken over by another one can
neither go on sending nor record anything (STYLE.md: a fence for every lease).
"""

from __future__ import annotations

import logging
from datetime import UTC, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.db.locks import lock_sid
from agent_workspace.domain.delivery import stored_status
from agent_workspace.models import (
    Direction,
    EarlyStatus,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, SYSTEM, AuditAction, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.messaging.acceptance import Accepted, record_accepted

# Claiming lives in claims.py; the outbox's users find it here with the outcomes.
from agent_workspace.services.messaging.claims import LEASE as LEASE
from agent_workspace.services.messaging.claims import OutboundJob as OutboundJob
from agent_workspace.services.messaging.claims import claim_due as claim_due
from agent_workspace.services.messaging.statuses import advance, provider_opt_out

log = logging.getLogger(__name__)


def next_due_in(*, engine: Engine | None = None) -> float | None:
    """Seconds until the earliest scheduled retry (0 if one is due), or None when none is."""
    with reading(engine) as session:
        earliest = session.exec(
            select(sa.func.min(Message.next_attempt_at)).where(
                Message.direction == Direction.OUTBOUND,
                Message.status == MessageStatus.QUEUED,
                col(Message.provider_sid).is_(None),
            )
        ).one()
    if earliest is None:
        return None
    if earliest.tzinfo is None:  # SQLite aggregates may come back without the column's type
        earliest = earliest.replace(tzinfo=UTC)
    return max(0.0, (earliest - utcnow()).total_seconds())


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

    Returns False (and records nothing) when the lease was lost. (acceptance.record_accepted
    does the same for many messages in one transaction.)
    """
    answer = Accepted(message_id, lease_token, sid, status, error_code)
    return message_id in record_accepted([answer], engine=engine)


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
    return _end(
        message_id,
        lease_token,
        MessageStatus.FAILED,
        AuditAction.MESSAGE_FAILED,
        code=code,
        reason=reason,
        opted_out=opted_out,
        engine=engine,
    )


def mark_unconfirmed(
    *, message_id: int, lease_token: str, reason: str, engine: Engine | None = None
) -> bool:
    """A lookup could not tell whether the provider has the message, and never will: it is not
    sent again by itself (it may have gone out), and the agent reads why."""
    return _end(
        message_id,
        lease_token,
        MessageStatus.UNCONFIRMED,
        AuditAction.MESSAGE_UNCONFIRMED,
        code=None,
        reason=reason,
        engine=engine,
    )


def _end(
    message_id: int,
    lease_token: str,
    status: MessageStatus,
    action: AuditAction,
    *,
    code: int | None,
    reason: str,
    opted_out: bool = False,
    engine: Engine | None = None,
) -> bool:
    """The outbox's last word on a message it holds: `status`, why, and an audit row."""
    with transaction(engine) as session:
        message = _fenced(
            session,
            message_id,
            lease_token,
            status=status,
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
            actor=PROVIDER if status is MessageStatus.FAILED else SYSTEM,
            action=action,
            entity=message,
            detail={"code": code, "reason": reason},
        )
        events.after_commit(
            session, events.InteractionChanged(message.interaction_id, messages_only=True)
        )
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
        events.after_commit(
            session, events.InteractionChanged(message.interaction_id, messages_only=True)
        )
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
            events.after_commit(
                session, events.InteractionChanged(message.interaction_id, messages_only=True)
            )
        return changed
