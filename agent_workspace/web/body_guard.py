"""Bounds on every request body, kept before the app reads it: how long, how many slowly, and
(for webhooks) how big.

Granian, as `reflex run --env prod` starts it, holds at most 1,024 open connections, 1,024 / N
per worker (its backpressure: more wait in the kernel's queue), reads headers for at most 30 s
(its default), and never bounds a body; Reflex passes it no other setting. So 1,100 clients
each sending a byte every few seconds had taken every connection, and `/ping`, the sign-in
page and Twilio's webhooks timed out. This ASGI middleware, installed with
`rx.App(api_transformer=...)`, keeps:

- a body arrives within `body_timeout_seconds` plus what its size needs at
  `body_min_bytes_per_second`, or 408 and the connection is closed;
- one still arriving after a second holds one of `slow_body_readers` places in this process;
  with none left the request is answered 503 at once and its connection closed;
- a webhook body (`/api/twilio/`) over `webhook_max_bytes` is refused 413 by its
  Content-Length, or when the streamed body passes it: never buffered.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from agent_workspace.config import get_settings
from agent_workspace.ops.metrics import WEBHOOKS
from agent_workspace.web.body_meter import (
    BodyMeter,
    Cut,
    Pace,
    SlowReaders,
    answer,
    declares_more_than,
    run_metered,
)

WEBHOOK_PREFIX = "/api/twilio/"
_BUSY_RETRY = (("retry-after", "5"),)


class BodyGuard:
    """ASGI middleware keeping every request body within time, and webhooks within size."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.readers = SlowReaders(cap=get_settings().slow_body_readers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        settings = get_settings()
        limit = settings.webhook_max_bytes if scope["path"].startswith(WEBHOOK_PREFIX) else None
        if limit is not None and declares_more_than(Headers(scope=scope), limit):
            _count_too_large(scope)
            await answer(send, 413, _too_large(limit))
            return
        pace = Pace(settings.body_timeout_seconds, settings.body_min_bytes_per_second, self.readers)
        cut = await run_metered(self.app, scope, BodyMeter(receive, send, limit=limit, pace=pace))
        if cut is Cut.TOO_LARGE:
            _count_too_large(scope)
            await answer(send, 413, _too_large(limit or 0))
        elif cut is Cut.TOO_SLOW:
            await answer(send, 408, "The request body did not arrive in time.")
        elif cut is Cut.BUSY:
            detail = "Too many requests are sending their bodies slowly; try again shortly."
            await answer(send, 503, detail, _BUSY_RETRY)


def _count_too_large(scope: Scope) -> None:
    kind = scope["path"].removeprefix(WEBHOOK_PREFIX).split("/")[0] or "unknown"
    WEBHOOKS.labels(
        kind if kind in ("inbound", "status") else "other", "refused", "too_large"
    ).inc()


def _too_large(limit: int) -> str:
    return f"The body is larger than the {limit:,} bytes a webhook may send."
