"""The app's router task: routes accepted webhooks when woken, at start and on a sweep."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math

from sqlalchemy.engine import Engine

from agent_workspace.services import events
from agent_workspace.services.ingest.routing import route_pending, route_phones

log = logging.getLogger(__name__)


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
