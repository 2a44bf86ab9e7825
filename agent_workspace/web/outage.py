"""Each worker's watch on its dependencies, and what agents see while one is away.

Every WATCH_SECONDS the worker checks the database and Redis (web/probes.py shares the answer
with /readyz). While one is away it sends OutageState.outage to every tab connected to it,
straight over the tab's socket: Reflex's own path to a tab goes through its state store, which
may be the thing that is away. The banner shows, Send is off with the reason, and the browser
keeps what the agent types (assets/workspace.js); when the dependency is back the banner goes
and the page reloads itself, signed in again by its stored session.

Events that fail meanwhile (every keystroke's, every click's) get no error toast: the banner
says it once. Their log lines are one per kind per minute (ops/logs.py StormFilter).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from reflex.event import EventSpec
from reflex.state import StateUpdate
from reflex_base.constants import SocketEvent
from reflex_base.constants.state import FIELD_MARKER

from agent_workspace import reflex_internals
from agent_workspace.ops import health
from agent_workspace.ops.metrics import DEPENDENCY_UP
from agent_workspace.state.outage import OutageState
from agent_workspace.web.probes import readiness

log = logging.getLogger(__name__)
WATCH_SECONDS = 2.0


def outage_delta(text: str) -> dict[str, dict[str, Any]]:
    """The delta that sets OutageState.outage on a page."""
    return {OutageState.get_full_name(): {f"outage{FIELD_MARKER}": text}}


class OutageWatch:
    """Checks, tells this worker's tabs, logs each change of state once."""

    def __init__(self, app: Any, every: float = WATCH_SECONDS) -> None:
        self.app = app
        self.every = every
        self.shown = ""
        self._since = 0.0

    async def run(self) -> None:
        """Lifespan task."""
        while True:
            try:
                await self.check()
            except Exception:  # the watch itself must go on
                log.exception("dependency watch failed")
            await asyncio.sleep(self.every)

    async def check(self) -> None:
        found = await readiness.problems()
        for dependency, kinds in (
            ("database", {"database_unreachable", "database_unmigrated"}),
            ("redis", {"redis_unreachable"}),
        ):
            DEPENDENCY_UP.labels(dependency).set(0 if any(p.kind in kinds for p in found) else 1)
        notice = health.agent_notice(found)
        if notice != self.shown:
            self._log_change(found)
        if notice or self.shown:  # again every pass while away: tabs that connected since
            await self._tell_tabs(notice)
        self.shown = notice

    def _log_change(self, found: list[health.Problem]) -> None:
        now = time.monotonic()
        if found:
            for problem in found:
                log.error("%s; agents see a reconnecting banner", problem.line)
            self._since = self._since or now
        else:
            log.warning("dependencies answer again after %.0f s", now - self._since)
            self._since = 0.0

    async def _tell_tabs(self, notice: str) -> None:
        update = StateUpdate(delta=outage_delta(notice))
        namespace = self.app.event_namespace
        for sid in reflex_internals.local_tabs(self.app):
            try:
                await namespace.emit(str(SocketEvent.EVENT), update, to=sid)
            except Exception:
                log.exception("telling a tab about the outage failed")


def dependency_exception_handler(exception: Exception) -> EventSpec | None:
    """Reflex's backend exception handler: a lost dependency is the banner's to say (no toast
    per failed event, one log line per kind per minute); anything else as Reflex does it."""
    if isinstance(exception, health.DEPENDENCY_ERRORS):
        log.warning("an event failed, a dependency is away: %s", health.first_line(exception))
        return None
    from reflex.app import default_backend_exception_handler

    return default_backend_exception_handler(exception)
