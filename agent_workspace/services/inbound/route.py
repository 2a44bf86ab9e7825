"""Accepted texts become messages: oldest first per phone, each row routed exactly once; and the
app's router task that does it when woken, at start and on a sweep.

Each row is routed in its own transaction that first takes the phone's lock (lock_phone, the
same one Send and receive_sms take) and then picks the phone's *oldest* pending row, whichever
row the caller had in mind: so two texts from one phone are routed in arrival order however
many routers run, and a row settled by one router is never routed again by another (it waited
for the lock, then finds the row settled). The row is settled in the transaction that stores
the message; a crash before that commit leaves it pending for the next pass. That is the one
MessageSid rule on this path: the accepted row's sid is unique, and it is routed once.

The text comes from the row as the route checked it, and the channel as the route found it,
with the profile resolver an administrator chose for it (and whether its after-hours
auto-reply is on) read in the same statement: nothing
the route decided is decided again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Iterable
from enum import Enum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import get_engine, reading, transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.webhooks import InboundText, Malformed, parse_inbound
from agent_workspace.models import AcceptedWebhook, Channel, ProviderNumber, utcnow
from agent_workspace.models.types import UTCDateTime
from agent_workspace.ops import metrics
from agent_workspace.services import events
from agent_workspace.services.channels.numbers import NumberOwner
from agent_workspace.services.errors import InvalidInput, NotFound, ServiceError
from agent_workspace.services.inbound.accept import routing_turn
from agent_workspace.services.inbound.receive import receive_in

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
    """Routes the oldest pending text from `phone` on the channel, if there is one."""
    row_id: int | None = None
    serialise = (engine or get_engine()).dialect.name == "sqlite"
    try:
        with routing_turn(serialise), transaction(engine) as session:
            lock_phone(session, channel_id, phone)
            # Two: whether the phone has more pending comes with its oldest row.
            bounds = {"channel_id": channel_id, "phone": phone}
            rows = session.execute(_OLDEST, bounds).all()
            if not rows:
                return Outcome.NONE_PENDING
            row = rows[0]
            row_id = row.id
            owner = NumberOwner(channel_id, row.profile_resolver, row.after_hours_reply)
            received = receive_in(session, sms=_text_of(session, row), channel=owner)
            settled = {"row_id": row_id, "at_": utcnow(), "message_id_": received.message_id}
            session.execute(_SETTLE, settled)
            # Before the commit, whose event the notifier may push at once: push latency.
            metrics.inbound_routed(received.interaction_id, row.accepted_at)
            return Outcome.ROUTED if len(rows) > 1 else Outcome.ROUTED_LAST
    except Exception as problem:
        if row_id is None:
            raise
        gave_up = _record_failure(row_id, problem, engine)
        return Outcome.GAVE_UP if gave_up else Outcome.FAILED


def _text_of(session: Session, row: Any) -> InboundText:
    """The text as the route checked it. A row accepted before the text was kept with it has
    only the form (`to_number` NULL): it is parsed, as it was then.

    accept_inbound trusts its caller's channel: a row accepted for a number that is none of
    ours (`ours`, read with the row) is refused here, and kept with its reason."""
    if row.to_number is None:
        sms = parse_inbound(session.execute(_FIELDS, {"row_id": row.id}).scalar_one())
        if isinstance(sms, Malformed):  # checked before it was accepted: cannot happen
            raise InvalidInput(sms.reason)
        return sms
    if not row.ours:
        raise NotFound(f"{row.to_number} is not a provider number of any channel.")
    return InboundText(
        sid=row.sid,
        from_=row.from_number,
        to=row.to_number,
        body=row.body,
        media=tuple((url, content_type) for url, content_type in row.media),
        opt_out_type=row.opt_out_type,
    )


_T: sa.Table = AcceptedWebhook.__table__  # type: ignore[attr-defined]
_CH: sa.Table = Channel.__table__  # type: ignore[attr-defined]
_PN: sa.Table = ProviderNumber.__table__  # type: ignore[attr-defined]
# Built once, plain rows: every routed text runs these.
_OLDEST = (
    sa.select(
        _T.c.id,
        _T.c.sid,
        _T.c.from_number,
        _T.c.to_number,
        _T.c.body,
        _T.c.media,
        _T.c.opt_out_type,
        _T.c.accepted_at,
        _CH.c.profile_resolver,
        _CH.c.after_hours_reply,
        sa.exists().where(_PN.c.e164 == _T.c.to_number).label("ours"),
    )
    .join(_CH, _CH.c.id == _T.c.channel_id)
    .where(
        _T.c.channel_id == sa.bindparam("channel_id"),
        _T.c.from_number == sa.bindparam("phone"),
        _T.c.settled_at.is_(None),
    )
    .order_by(_T.c.id)
    .limit(2)
)
_FIELDS = sa.select(_T.c.fields).where(_T.c.id == sa.bindparam("row_id"))
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


class InboundRouter:
    """Routes in a worker thread (the loop is every tab's), one pass at a time per process.

    Woken by InboundAccepted from this process, it routes the phones woken for. The sweep
    routes everything pending: what other workers accepted and did not route (they crashed)
    and what failed for a reason that may pass. The first pass is a sweep: whatever a crash
    left accepted and unrouted is routed before anything new.
    """

    def __init__(self, *, sweep_seconds: float = 5.0, engine: Engine | None = None) -> None:
        self.sweep_seconds = sweep_seconds
        self.engine = engine
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._phones: dict[tuple[int, str], None] = {}  # woken for, in order; loop only

    def wake(self, channel_id: int, phone: str) -> None:
        """Callable from any thread."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._woken, (channel_id, phone))

    def _woken(self, phone: tuple[int, str]) -> None:
        self._phones[phone] = None
        if self._wake is not None:
            self._wake.set()

    def _on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InboundAccepted):
            self.wake(event.channel_id, event.phone)

    async def run_forever(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        unsubscribe = events.subscribe(self._on_event)
        swept = -math.inf
        try:
            while True:
                self._wake.clear()  # before the pass: a webhook accepted during it wakes us again
                phones, self._phones = list(self._phones), {}
                # A steady stream of webhooks never lets the wait time out: the sweep is due
                # by the clock, not by a quiet spell.
                sweep = self._loop.time() - swept >= self.sweep_seconds
                try:
                    if sweep:
                        swept = self._loop.time()
                        await asyncio.to_thread(route_pending, engine=self.engine)
                    else:
                        await asyncio.to_thread(route_phones, phones, engine=self.engine)
                except Exception:  # the task must survive a database hiccup
                    log.exception("inbound routing pass failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.sweep_seconds)
        finally:
            unsubscribe()
