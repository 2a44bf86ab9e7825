"""Settling messages the provider took whose final status never came back.

Twilio posts each status callback once and never again: one that arrived while the app was
down (a restart, a crash, a database outage answered 503) is lost, and its message had stayed
"sent" (or "queued") for good. Every message the provider took has a time to ask for its status
(`status_check_due_at`, set when it is accepted); a final status clears it. Each worker claims
due messages by pushing that time on (so no other worker asks at once), asks the provider, and
applies the answer as a callback would be applied.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from agent_workspace.db.engine import transaction
from agent_workspace.domain.delivery import SETTLEABLE, STATUS_CHECKS_END, next_status_check
from agent_workspace.models import Direction, Message, utcnow
from agent_workspace.services.audit import SYSTEM, AuditAction, record

#: The first look-up this long after the provider took the message (AW_STATUS_CHECK_SECONDS).
STATUS_CHECK_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Unsettled:
    """A message whose status the provider is asked for."""

    message_id: int
    sid: str


def claim_unsettled(
    *, limit: int, first: timedelta = STATUS_CHECK_AFTER, engine: Engine | None = None
) -> list[Unsettled]:
    """Up to `limit` messages due for a look-up, each pushed to its next look-up time (so other
    workers pass them by); messages older than STATUS_CHECKS_END are no longer looked up."""
    now = utcnow()
    with transaction(engine) as session:
        conn = session.connection()
        due = conn.execute(_DUE, {"now": now, "limit": limit}).all()
        if not due:
            return []
        old = [row.id for row in due if row.created_at < now - STATUS_CHECKS_END]
        if old:
            _stop(conn, old)
        claimed = [row for row in due if row.id not in set(old)]
        for row in claimed:
            next_at = now + next_status_check(row.status_checks + 1, first=first)
            conn.execute(_PUSH, {"message_id": row.id, "next_at": next_at})
        return [Unsettled(row.id, row.provider_sid) for row in claimed]


def unknown_to_provider(*, message_id: int, reason: str, engine: Engine | None = None) -> None:
    """The provider does not know the message's sid: asking again will not change that."""
    with transaction(engine) as session:
        _stop(session.connection(), [message_id])
        message = session.get(Message, message_id)
        if message is not None:
            record(
                session=session,
                actor=SYSTEM,
                action=AuditAction.MESSAGE_STATUS_CHECKED,
                entity=message,
                detail={"found": False, "reason": reason},
            )


def _stop(conn: Connection, ids: list[int]) -> None:
    conn.execute(_STOP, {"ids": ids})


_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_DUE = (
    sa.select(_M.c.id, _M.c.provider_sid, _M.c.status_checks, _M.c.created_at)
    .where(
        _M.c.status_check_due_at <= sa.bindparam("now"),
        _M.c.direction == Direction.OUTBOUND,
        _M.c.provider_sid.is_not(None),
        _M.c.status.in_(sorted(SETTLEABLE)),
    )
    .order_by(_M.c.status_check_due_at)
    .limit(sa.bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_PUSH = (
    sa.update(_M)
    .where(_M.c.id == sa.bindparam("message_id"))
    .values(status_check_due_at=sa.bindparam("next_at"), status_checks=_M.c.status_checks + 1)
)
_STOP = (
    sa.update(_M)
    .where(_M.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(status_check_due_at=None)
)
