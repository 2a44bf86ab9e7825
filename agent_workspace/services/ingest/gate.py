"""Requests first: the router routes in the gaps between accepts, and SQLite's one writer is
handed over in-process.

Routing a text takes far longer than accepting one (a dozen statements against one INSERT). On
SQLite both need the single write lock, and a writer that finds it taken sleeps in SQLite's busy
handler (1, 2, 5 ... 100 ms steps) while the router, which commits and begins again at once,
keeps winning it: accepts waited whole routing transactions and more. So on SQLite every ingest
write takes a process lock first (a prompt hand-over, no sleeping), and the router takes it only
once no accept has been in flight for QUIET, or after MAX_DEFER, so a steady stream
of webhooks slows routing down but never stops it. On PostgreSQL writers do not block each
other; the gap still leaves the CPU (and the GIL) to the requests.
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
_last_accept = 0.0


@contextlib.contextmanager
def accepting(serialise: bool) -> Iterator[None]:
    """Around an accept's write; `serialise` (SQLite) also takes the one-writer lock."""
    global _in_flight, _last_accept
    with _state:
        _in_flight += 1
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
    while time.monotonic() < deadline and _busy():
        time.sleep(QUIET / 3)
    with _writer if serialise else contextlib.nullcontext():
        yield


def _busy() -> bool:
    return _in_flight > 0 or time.monotonic() - _last_accept < QUIET
