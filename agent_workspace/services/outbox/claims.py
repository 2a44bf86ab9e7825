"""Waiting messages claimed under a fenced lease, and the outcome of each claim's provider call.

A message is marked "in flight" (needs_reconcile) when it is claimed and cleared only when the
outcome is certain, so a crash or timeout mid-send leads to a provider lookup, never a re-send.
Each claim writes a fresh lease token on the messages it takes; renewing the lease and recording
an outcome (refused, retry later, unconfirmed here; accepted in statuses.py) are single UPDATEs
conditioned on the message id and that token, so a dispatcher whose lease was taken over by
another one can neither go on sending nor record anything (STYLE.md: a fence for every lease).
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import (
    autocommit_engine,
    get_engine,
    once_more_if_dropped,
    reading,
    transaction,
)
from agent_workspace.domain.consent import stop_refusal
from agent_workspace.models import (
    Attachment,
    Direction,
    Message,
    MessageStatus,
    OptOut,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, SYSTEM, AuditAction, record
from agent_workspace.services.outbox.playbook import flag_failed, follow_play
from agent_workspace.services.outbox.statuses import provider_opt_out
from agent_workspace.services.people.ledger import stops_of
from agent_workspace.services.sla.clocks import keep_due

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
    #: time.monotonic() before the claim began: the lease runs from no earlier than this.
    claimed_at: float
    #: A `scheduled` message whose time has come: checked again before it goes (scheduled.py).
    scheduled: bool = False
    #: Sent through this Twilio Messaging Service (Twilio picks the sender), or from `from_`.
    messaging_service_sid: str | None = None
    #: Why it may not go: the phone opted out (of this number, or of another one of the
    #: channel under its policy) since it was queued; "" when it may.
    stopped: str = ""


def claim_due(
    *,
    limit: int = 1,
    lease: timedelta = LEASE,
    due_by: datetime | None = None,
    engine: Engine | None = None,
) -> list[OutboundJob]:
    """Leases up to `limit` messages due by `due_by` (default now) to this dispatcher (others
    skip them).

    The whole batch is claimed at once, so a batch costs about what one message did;
    attachments are read only for messages that have some. Every batch gets a fresh token;
    fenced writes compare the message id and the token, so sharing it within a batch fences
    each message alone. Claim only as many as can be sent at once: a message waiting in
    someone's batch is one nobody else may send until its lease ends.
    """
    claimed_at = time.monotonic()
    bound = engine or get_engine()
    now = utcnow()
    token = secrets.token_hex(16)
    values = {
        "now": now,
        "due": due_by or now,
        "until": now + lease,
        "limit": limit,
        "token": token,
    }
    if bound.dialect.name == "postgresql":
        due = _claim_in_one_statement(bound, values)
        media, stopped = {}, {}
        if any(row.has_media or row.maybe_stopped for row in due):
            with reading(bound) as session:
                media = _media(session.connection(), [row.id for row in due if row.has_media])
                stopped = _stopped(session, due)
    else:
        with transaction(bound) as session:
            conn = session.connection()
            due = conn.execute(_DUE, values).all()
            if due:
                conn.execute(_LEASE, {**values, "ids": [row.id for row in due]})
            media = _media(conn, [row.id for row in due if row.has_media])
            stopped = _stopped(session, due)
    return [
        OutboundJob(
            message_id=row.id,
            interaction_id=row.interaction_id,
            to=row.to_number,
            from_=row.from_number,
            body=row.body,
            media=media.get(row.id, ()),
            created_at=row.created_at,
            attempts=row.attempts + 1,
            reconcile_first=row.needs_reconcile,
            lease_token=token,
            claimed_at=claimed_at,
            scheduled=row.status == MessageStatus.SCHEDULED,
            messaging_service_sid=row.messaging_service_sid,
            stopped=stopped.get(row.id, ""),
        )
        for row in sorted(due, key=lambda row: row.id)
    ]


def _stopped(session: Session, due: Sequence[sa.Row[Any]]) -> dict[int, str]:
    """Message id -> why it may not go, for the claimed messages whose phone opted out of
    something (the claim's EXISTS says which: most batches read nothing here)."""
    maybe = [row for row in due if row.maybe_stopped]
    if not maybe:
        return {}
    stops = stops_of(session, [(row.from_number, row.to_number) for row in maybe])
    return {
        row.id: stop_refusal(stop, phone=row.to_number, sender=row.from_number)
        for row in maybe
        if (stop := stops.get((row.from_number, row.to_number))) is not None
    }


def _claim_in_one_statement(bound: Engine, values: dict[str, Any]) -> Sequence[sa.Row[Any]]:
    """PostgreSQL: the due rows locked and leased by one UPDATE on a connection kept in
    autocommit (one statement is atomic anyway). In a transaction from the main pool it had
    been five round trips (the pool's ping, BEGIN, SELECT, UPDATE, COMMIT), about 1.5 ms of a
    dispatcher's CPU per claim, whatever its size.

    A connection the server ended (not pinged first) fails its statement: tried once more on a
    fresh one. Should the first UPDATE have committed after all, its messages stay in flight
    under a token nobody holds, and are looked up at the provider once their lease ends.
    """

    def claim() -> Sequence[sa.Row[Any]]:
        with autocommit_engine(bound).connect() as conn:
            return conn.execute(_CLAIM, values).all()

    return once_more_if_dropped(claim)[0]


def _media(conn: Connection, message_ids: list[int]) -> dict[int, tuple[tuple[int, str], ...]]:
    if not message_ids:
        return {}
    found: dict[int, list[tuple[int, str]]] = {}
    for row in conn.execute(_FILES, {"ids": message_ids}):
        found.setdefault(row.message_id, []).append((row.id, row.filename))
    return {message_id: tuple(items) for message_id, items in found.items()}


def next_due_in(*, engine: Engine | None = None) -> float | None:
    """Seconds until the earliest scheduled retry or scheduled message (0 if one is due), or
    None when none is."""
    with reading(engine) as session:
        retry = session.exec(
            select(sa.func.min(Message.next_attempt_at)).where(
                Message.direction == Direction.OUTBOUND,
                Message.status == MessageStatus.QUEUED,
                col(Message.provider_sid).is_(None),
            )
        ).one()
        scheduled = session.exec(
            select(sa.func.min(Message.scheduled_for)).where(
                Message.status == MessageStatus.SCHEDULED
            )
        ).one()
    times = [_aware(t) for t in (retry, scheduled) if t is not None]
    if not times:
        return None
    return max(0.0, (min(times) - utcnow()).total_seconds())


def _aware(moment: datetime) -> datetime:
    """SQLite aggregates may come back without the column's type (and its zone)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


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


def mark_stopped(*, job: OutboundJob, engine: Engine | None = None) -> bool:
    """The claimed message is not sent: its phone opted out since it was queued (`job.stopped`
    says of which number and when). Failed by us, never handed to the provider."""
    return _end(
        job.message_id,
        job.lease_token,
        MessageStatus.FAILED,
        AuditAction.MESSAGE_FAILED,
        code=None,
        reason=f"Not sent: {job.stopped}",
        by_provider=False,
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
    by_provider: bool = True,
    engine: Engine | None = None,
) -> bool:
    """The outbox's last word on a message it holds: `status`, why, and an audit row; the
    provider's refusal follows the error playbook."""
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
        if message.author_id is not None and status is MessageStatus.FAILED:
            keep_due(session, [message.interaction_id])  # no reply after all
        failed_there = by_provider and status is MessageStatus.FAILED
        if failed_there:
            follow_play(session, message, code)
        elif status is MessageStatus.FAILED:
            flag_failed(session, message)
        record(
            session=session,
            actor=PROVIDER if failed_there else SYSTEM,
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
    """Try again later; `uncertain` means the provider may have it, so look before re-sending.
    `reason` is what the bubble says meanwhile."""
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
            error_message=reason[:400],  # domain/error_playbook.py retry_text
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


# Statements built once: every claim runs them, and building them each time had cost more CPU
# than running them.
_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_A: sa.Table = Attachment.__table__  # type: ignore[attr-defined]
_O: sa.Table = OptOut.__table__  # type: ignore[attr-defined]
_HAS_MEDIA = sa.exists().where(_A.c.message_id == _M.c.id).label("has_media")
# The phone opted out of some number: whether that stops this message is stops_of's to say.
_MAYBE_STOPPED = (
    sa.exists().where(_O.c.phone == _M.c.to_number, _O.c.opted_out).label("maybe_stopped")
)
_DUE = (
    sa.select(
        _M.c.id,
        _M.c.interaction_id,
        _M.c.to_number,
        _M.c.from_number,
        _M.c.body,
        _M.c.created_at,
        _M.c.attempts,
        _M.c.needs_reconcile,
        _M.c.status,
        _M.c.messaging_service_sid,
        _HAS_MEDIA,
        _MAYBE_STOPPED,
    )
    .where(
        _M.c.direction == Direction.OUTBOUND,
        _M.c.provider_sid.is_(None),
        sa.or_(
            sa.and_(
                _M.c.status == MessageStatus.QUEUED,
                sa.or_(_M.c.next_attempt_at.is_(None), _M.c.next_attempt_at <= sa.bindparam("due")),
            ),
            # A scheduled message whose time has come (it goes after scheduled.py checks it).
            sa.and_(
                _M.c.status == MessageStatus.SCHEDULED,
                _M.c.scheduled_for <= sa.bindparam("due"),
            ),
        ),
        sa.or_(_M.c.lease_until.is_(None), _M.c.lease_until < sa.bindparam("now")),
    )
    .order_by(_M.c.id)
    .limit(sa.bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_LEASED = {
    "lease_until": sa.bindparam("until"),
    "lease_token": sa.bindparam("token"),
    "needs_reconcile": True,  # in flight until the outcome is known
}
_LEASE = (
    sa.update(_M)
    .where(_M.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(attempts=_M.c.attempts + 1, **_LEASED)
)
# The rows as they were when locked (RETURNING would give the new needs_reconcile).
_LOCKED = _DUE.cte("due").prefix_with("MATERIALIZED")
_CLAIM = (
    sa.update(_M)
    .where(_M.c.id == _LOCKED.c.id)
    .values(attempts=_LOCKED.c.attempts + 1, **_LEASED)
    .returning(
        _LOCKED.c.id,
        _LOCKED.c.interaction_id,
        _LOCKED.c.to_number,
        _LOCKED.c.from_number,
        _LOCKED.c.body,
        _LOCKED.c.created_at,
        _LOCKED.c.attempts,
        _LOCKED.c.needs_reconcile,
        _LOCKED.c.status,
        _LOCKED.c.messaging_service_sid,
        _LOCKED.c.has_media,
        _LOCKED.c.maybe_stopped,
    )
)
_FILES = (
    sa.select(_A.c.id, _A.c.message_id, _A.c.filename)
    .where(_A.c.message_id.in_(sa.bindparam("ids", expanding=True)))
    .order_by(_A.c.id)
)
