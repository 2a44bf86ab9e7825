"""The request's whole write: one INSERT of the checked text, a provider retry a no-op; and the
gate that lets requests go first.

Requests first: the router routes in the gaps between accepts, and SQLite's one writer is
handed over in-process. Routing a text takes far longer than accepting one (a dozen statements
against one INSERT). On SQLite both need the single write lock, and a writer that finds it taken
sleeps in SQLite's busy handler (1, 2, 5 ... 100 ms steps) while the router, which commits and
begins again at once, keeps winning it: accepts waited whole routing transactions and more. So
on SQLite every inbound write takes a process lock first (a prompt hand-over, no sleeping).
During a stream of webhooks (each accept starting less than QUIET after the last one ended) the
router takes it only once no accept has been in flight for QUIET, or after MAX_DEFER, so a flood
slows routing down but never stops it; a webhook that comes alone is routed at once, which is
what puts its text on the agent's screen quickly. On PostgreSQL writers do not block each
other; the gap still leaves the CPU (and the GIL) to the requests.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from agent_workspace.db.engine import autocommit_engine, get_engine, once_more_if_dropped
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import AcceptedWebhook, utcnow
from agent_workspace.services import events

_TABLE: sa.Table = AcceptedWebhook.__table__  # type: ignore[attr-defined]
# RETURNING says whether a row went in (rowcount is -1 on PostgreSQL, which returns the id).
_INSERTS = {
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["sid"]),
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing(index_elements=["sid"]),
}
_INSERTS = {name: insert.returning(_TABLE.c.id) for name, insert in _INSERTS.items()}


def _one_statement(bound: Engine) -> AbstractContextManager[Connection]:
    """PostgreSQL: the INSERT alone on a connection kept in autocommit, committed (and
    flushed) when it returns, as one statement is atomic anyway: BEGIN and COMMIT had been two
    more round trips per webhook (0.2 ms of its ~1.1 ms), and the pool's ping a third. SQLite:
    the engine's BEGIN IMMEDIATE transaction."""
    if bound.dialect.name != "postgresql":
        return bound.begin()
    return autocommit_engine(bound).connect()


def accept_inbound(
    *, sms: InboundText, channel_id: int, fields: Mapping[str, str], engine: Engine | None = None
) -> bool:
    """Stores a checked inbound text durably, with the channel its To number belongs to and
    the form as posted; True when it is new (not a retry).

    Core, not the ORM: this runs once per webhook on the request path, and a session, identity
    map and flush would cost more than the INSERT. The router is woken after commit.
    """
    bound = engine or get_engine()
    row = {
        "sid": sms.sid,
        "channel_id": channel_id,
        "from_number": sms.from_,
        "to_number": sms.to,
        "body": sms.body,
        "media": [list(item) for item in sms.media],
        "opt_out_type": sms.opt_out_type,
        "fields": dict(fields),
        "accepted_at": utcnow(),
        "attempts": 0,
    }
    dialect = bound.dialect.name

    def insert() -> bool:
        with accepting(serialise=dialect == "sqlite"), _one_statement(bound) as conn:
            return conn.execute(_INSERTS[dialect], row).first() is not None

    # If a first INSERT on a dropped connection did commit, the second inserts nothing; the
    # router is woken all the same.
    new, retried = once_more_if_dropped(insert)
    if new or retried:
        events.publish(events.InboundAccepted(channel_id, sms.from_))
    return new


QUIET = 0.01
MAX_DEFER = 5.0

_writer = threading.Lock()
_state = threading.Lock()
_in_flight = 0
_last_accept = -1e9  # when the last accept ended
_last_idle = 1e9  # from the end of one accept to the start of the next: short in a stream


@contextlib.contextmanager
def accepting(serialise: bool) -> Iterator[None]:
    """Around an accept's write; `serialise` (SQLite) also takes the one-writer lock."""
    global _in_flight, _last_accept, _last_idle
    with _state:
        _in_flight += 1
        _last_idle = time.monotonic() - _last_accept
    try:
        with _writer if serialise else contextlib.nullcontext():
            yield
    finally:
        with _state:
            _in_flight -= 1
            _last_accept = time.monotonic()


@contextlib.contextmanager
def routing_turn(serialise: bool) -> Iterator[None]:
    """Around one routing transaction, once requests have had their turn."""
    deadline = time.monotonic() + MAX_DEFER
    while (now := time.monotonic()) < deadline and must_wait(
        now, _in_flight, _last_accept, _last_idle
    ):
        time.sleep(QUIET / 3)
    with _writer if serialise else contextlib.nullcontext():
        yield


def must_wait(now: float, in_flight: int, last_accept: float, last_idle: float) -> bool:
    """Whether routing gives way: an accept is running, or a stream's next one is due.

    A stream is told by the idle time before the last accept, not by the time between accepts:
    on a slow database one accept takes longer than QUIET, and back-to-back accepts are a
    stream all the same."""
    if in_flight > 0:
        return True
    in_stream = last_idle < QUIET
    return in_stream and now - last_accept < QUIET
