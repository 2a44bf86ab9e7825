"""`GET /readyz`: 200 only while the database answers at its migrations' head and Redis (when
configured) answers; otherwise 503 with one reason per line.

A load balancer or orchestrator probes it every few seconds, anyone can: so one check runs at a
time per worker and its answer serves every probe for a second, and the reasons name the
dependency, never its address (the operator's log line has that: ops/health.py).
"""

from __future__ import annotations

import asyncio
import time

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from agent_workspace.config import get_settings
from agent_workspace.ops import health

#: How long one check's answer serves further probes.
FRESH_SECONDS = 1.0


class Readiness:
    """The latest check of this worker's dependencies, made again when older than `fresh`."""

    def __init__(self, fresh: float = FRESH_SECONDS) -> None:
        self.fresh = fresh
        self._checked_at = -float("inf")
        self._problems: list[health.Problem] = []
        self._lock: asyncio.Lock | None = None

    async def problems(self) -> list[health.Problem]:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:  # probes that arrive during a check wait for its answer
            if time.monotonic() - self._checked_at >= self.fresh:
                settings = get_settings()
                self._problems = await asyncio.to_thread(
                    health.problems, settings.database_url, settings.redis_url
                )
                self._checked_at = time.monotonic()
            return self._problems


readiness = Readiness()


async def readyz(request: Request) -> Response:
    found = await readiness.problems()
    if not found:
        return PlainTextResponse("ready\n", headers={"Cache-Control": "no-store"})
    reasons = "".join(f"{p.reason}\n" for p in found)
    return PlainTextResponse(reasons, status_code=503, headers={"Cache-Control": "no-store"})


routes = [Route("/readyz", readyz, methods=["GET"])]
