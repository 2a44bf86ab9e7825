"""The app's router task: routes accepted webhooks when woken, at start and on a sweep."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.engine import Engine

from agent_workspace.services import events
from agent_workspace.services.ingest.routing import route_pending

log = logging.getLogger(__name__)


class InboundRouter:
    """Routes in a worker thread (the loop is every tab's), one pass at a time per process.

    Woken by InboundAccepted from this process; the sweep catches what other workers accepted
    and did not route (they crashed) and what failed for a reason that may pass. The first pass
    runs at start: whatever a crash left accepted and unrouted is routed before anything new.
    """

    def __init__(self, *, sweep_seconds: float = 5.0, engine: Engine | None = None) -> None:
        self.sweep_seconds = sweep_seconds
        self.engine = engine
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None

    def wake(self) -> None:
        """Callable from any thread."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run_forever(self) -> None:
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        unsubscribe = events.subscribe(
            lambda e: self.wake() if isinstance(e, events.InboundAccepted) else None
        )
        try:
            while True:
                self._wake.clear()  # before the pass: a webhook accepted during it wakes us again
                try:
                    await asyncio.to_thread(route_pending, engine=self.engine)
                except Exception:  # the task must survive a database hiccup
                    log.exception("inbound routing pass failed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.sweep_seconds)
        finally:
            unsubscribe()
