"""Accepted webhooks become messages: oldest first per phone, each row routed exactly once.

Each row is routed in its own transaction that first takes the phone's lock (lock_phone, the
same one Send and receive_sms take) and then picks the phone's *oldest* pending row, whichever
row the caller had in mind: so two texts from one phone are routed in arrival order however
many routers run, and a row settled by one router is never routed again by another (it waited
for the lock, then finds the row settled). The row is settled in the transaction that stores
the message; a crash before that commit leaves it pending for the next pass.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from enum import Enum

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import get_engine, reading, transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.webhooks import Malformed, parse_inbound
from agent_workspace.models import AcceptedWebhook, utcnow
from agent_workspace.models.types import UTCDateTime
from agent_workspace.ops import metrics
from agent_workspace.services.errors import InvalidInput, ServiceError
from agent_workspace.services.ingest import gate
from agent_workspace.services.messaging.inbound import receive_in

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
"""A row that fails this often (or fails for a reason that cannot change) is settled unrouted,
kept with its error, so the phone's later texts are not held behind it forever."""
BATCH = 200
PER_PHONE = 20  # rows of one phone per pass before the others get their turn


class Outcome(Enum):
    ROUTED = "routed"  # and the phone has more pending
    ROUTED_LAST = "routed the phone's last pending row"
    NONE_PENDING = "none pending"
    GAVE_UP = "settled unrouted"  # it can never route: kept with its error; the next may go
    FAILED = "failed"  # may pass: still pending, and the phone's later rows wait behind it


def route_pending(*, engine: Engine | None = None) -> int:
    """Routes everything accepted and not yet routed; returns how many rows this call routed.

    A phone whose oldest row failed is left for the next pass (its later rows wait behind it,
    so order holds); everything else is drained until nothing is pending. What is accepted
    while this runs wakes the router again, so pending rows are read again only when a limit
    cut this read short.
    """
    routed = 0
    stalled: set[str] = set()
    while True:
        phones, cut_short = _pending_phones(engine, stalled)
        for channel_id, phone in phones:
            count, outcome = _drain(channel_id, phone, engine)
            routed += count
            if outcome is Outcome.FAILED:
                stalled.add(phone)
            cut_short = cut_short or outcome is Outcome.ROUTED
        if not cut_short:
            return routed


def route_phones(phones: Iterable[tuple[int, str]], *, engine: Engine | None = None) -> int:
    """Routes the pending rows of the phones this process just accepted texts from, without
    the read of everything pending: a lone text costs its one transaction. Rows from other
    phones (another worker's, one left by a crash) wait for the sweep's route_pending, as
    they did; a phone with more than PER_PHONE rows pending hands over to it at once."""
    routed, more = 0, False
    for channel_id, phone in phones:
        count, outcome = _drain(channel_id, phone, engine)
        routed += count
        more = more or outcome is Outcome.ROUTED
    return routed + (route_pending(engine=engine) if more else 0)


def _drain(channel_id: int, phone: str, engine: Engine | None) -> tuple[int, Outcome]:
    """Up to PER_PHONE of the phone's rows, oldest first, before the other phones get their
    turn; returns how many were routed and the last outcome (ROUTED: more may be pending)."""
    routed, outcome = 0, Outcome.NONE_PENDING
    for _ in range(PER_PHONE):
        outcome = route_next(channel_id=channel_id, phone=phone, engine=engine)
        if outcome in (Outcome.ROUTED, Outcome.ROUTED_LAST):
            routed += 1
        if outcome not in (Outcome.ROUTED, Outcome.GAVE_UP):
            return routed, outcome
    return routed, Outcome.ROUTED


def route_next(*, channel_id: int, phone: str, engine: Engine | None = None) -> Outcome:
    """Routes the oldest pending webhook from `phone` on the channel, if there is one."""
    row_id: int | None = None
    serialise = (engine or get_engine()).dialect.name == "sqlite"
    try:
        with gate.routing(serialise), transaction(engine) as session:
            lock_phone(session, channel_id, phone)
            # Two: whether the phone has more pending comes with its oldest row.
            bounds = {"channel_id": channel_id, "phone": phone}
            rows = session.execute(_OLDEST, bounds).all()
            if not rows:
                return Outcome.NONE_PENDING
            row_id = rows[0].id
            sms = parse_inbound(rows[0].fields)
            if isinstance(sms, Malformed):  # checked before it was accepted: cannot happen
                raise InvalidInput(sms.reason)
            received = receive_in(session, sms=sms, phone_locked=True)
            settled = {"row_id": row_id, "at_": utcnow(), "message_id_": received.message_id}
            session.execute(_SETTLE, settled)
            # Before the commit, whose event the notifier may push at once: push latency.
            metrics.inbound_routed(received.interaction_id, rows[0].accepted_at)
            return Outcome.ROUTED if len(rows) > 1 else Outcome.ROUTED_LAST
    except Exception as problem:
        if row_id is None:
            raise
        gave_up = _record_failure(row_id, problem, engine)
        return Outcome.GAVE_UP if gave_up else Outcome.FAILED


_T: sa.Table = AcceptedWebhook.__table__  # type: ignore[attr-defined]
# Built once, plain rows: every routed text runs these.
_OLDEST = (
    sa.select(_T.c.id, _T.c.fields, _T.c.accepted_at)
    .where(
        _T.c.channel_id == sa.bindparam("channel_id"),
        _T.c.from_number == sa.bindparam("phone"),
        _T.c.settled_at.is_(None),
    )
    .order_by(_T.c.id)
    .limit(2)
)
_SETTLE = (
    sa.update(_T)
    .where(_T.c.id == sa.bindparam("row_id"))
    .values(
        settled_at=sa.bindparam("at_", type_=UTCDateTime),
        message_id=sa.bindparam("message_id_"),
        attempts=_T.c.attempts + 1,
    )
)

_PENDING = (
    sa.select(_T.c.channel_id, _T.c.from_number)
    .where(_T.c.settled_at.is_(None))
    .order_by(_T.c.id)
    .limit(BATCH)
)
_PENDING_BUT = _PENDING.where(_T.c.from_number.not_in(sa.bindparam("stalled", expanding=True)))


def _pending_phones(engine: Engine | None, stalled: set[str]) -> tuple[list[tuple[int, str]], bool]:
    """Distinct (channel, phone) of the oldest pending rows, oldest first; True when BATCH
    rows were read (more may be pending)."""
    query, bounds = (_PENDING_BUT, {"stalled": sorted(stalled)}) if stalled else (_PENDING, {})
    with reading(engine) as session:
        rows = session.execute(query, bounds).all()
    phones = list(dict.fromkeys((channel_id, phone) for channel_id, phone in rows))
    return phones, len(rows) == BATCH


def _record_failure(row_id: int, problem: Exception, engine: Engine | None) -> bool:
    """Counts the attempt; settles the row unrouted (True) when it can never route. Nothing is
    deleted."""
    permanent = isinstance(problem, ServiceError)
    why = problem.message if isinstance(problem, ServiceError) else repr(problem)
    with transaction(engine) as session:
        row = session.get(AcceptedWebhook, row_id)
        if row is None or row.settled_at is not None:
            return True
        row.attempts += 1
        row.error = why[:400]
        gave_up = permanent or row.attempts >= MAX_ATTEMPTS
        if gave_up:
            row.settled_at = utcnow()
        session.add(row)
    if gave_up:
        log.error("inbound %s not routed (kept, attempt %d): %s", row.sid, row.attempts, why)
    else:
        log.warning(
            "inbound %s routing failed (attempt %d), will retry: %s", row.sid, row.attempts, why
        )
    return gave_up
