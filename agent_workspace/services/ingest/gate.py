"""Requests first: the router routes in the gaps between accepts, and SQLite's one writer is
handed over in-process.

Routing a text takes far longer than accepting one (a dozen statements against one INSERT). On
SQLite both need the single write lock, and a writer that finds it taken sleeps in SQLite's busy
handler (1, 2, 5 ... 100 ms steps) while the router, which commits and begins again at once,
keeps winning it: accepts waited whole routing transactions and more. So on SQLite every ingest
write takes a process lock first (a prompt hand-over, no sleeping). During a stream of webhooks
(each accept starting less than QUIET after the last one ended) the router takes it only once no
accept has been in flight for QUIET, or after MAX_DEFER, so a flood slows routing down but never
stops it; a webhook that comes alone is routed at once, which is what puts its text on the
agent's screen quickly. On PostgreSQL writers do not block each other; the gap still leaves the
CPU (and the GIL) to the requests.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

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
def routing(serialise: bool) -> Iterator[None]:
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
