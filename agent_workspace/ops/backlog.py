"""How far behind the outbox and the inbound router are, read from the database (for /metrics)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from agent_workspace.db.engine import reading
from agent_workspace.models import AcceptedWebhook, Direction, Message, MessageStatus, utcnow


@dataclass(frozen=True)
class Backlog:
    outbox_depth: int
    outbox_oldest_age: float  # seconds; 0 when nothing is queued
    inbound_pending: int
    routing_lag: float  # seconds since the oldest unrouted webhook was accepted; 0 when none


def read() -> Backlog:
    now = utcnow()
    with reading() as session:
        queued, oldest = session.execute(_OUTBOX).one()
        pending, first = session.execute(_INBOUND).one()
    return Backlog(int(queued), _age(now, oldest), int(pending), _age(now, first))


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # SQLite aggregates may come back without the column's type
        then = then.replace(tzinfo=UTC)
    return max(0.0, (now - then).total_seconds())


_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_W: sa.Table = AcceptedWebhook.__table__  # type: ignore[attr-defined]
# The outbox index (status, next_attempt_at) and the pending-webhooks partial index serve these.
_OUTBOX = sa.select(sa.func.count(), sa.func.min(_M.c.created_at)).where(
    _M.c.status == MessageStatus.QUEUED,
    _M.c.direction == Direction.OUTBOUND,
    _M.c.provider_sid.is_(None),
)
_INBOUND = sa.select(sa.func.count(), sa.func.min(_W.c.accepted_at)).where(
    _W.c.settled_at.is_(None)
)
