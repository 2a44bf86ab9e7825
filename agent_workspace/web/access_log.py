"""One access-log line per HTTP request: method, path, status and milliseconds.

Granian's own access log is off as `reflex run` starts it (Reflex passes no setting for it), so
the app writes its own, after the guards: their refusals (408, 413, 503) are requests too. Only
the path is written, never the query string (a media link's signature, a socket's token), a
header (a session, a webhook signature) or a body (a message, a password). A webhook is one
such line; whether it was accepted or refused, and why, is counted in /metrics.
"""

from __future__ import annotations

import logging
import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("agent_workspace.access")
PATH_CHARS = 200
CLIENT_LEFT = 499


def printable_path(path: str) -> str:
    """The path as one short line: control characters escaped, long paths cut."""
    shown = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in path[:PATH_CHARS])
    return shown + ("…" if len(path) > PATH_CHARS else "")


class AccessLog:
    """ASGI middleware writing one line when each HTTP request's answer has been sent."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        failed = True
        try:
            await self.app(scope, receive, noting_status)
            failed = False
        finally:
            ms = round((time.perf_counter() - started) * 1000, 1)
            method, path = scope["method"], printable_path(scope["path"])
            # No answer begun: the app failed (the server answers 500), or the client left
            # first (499, as nginx writes it).
            shown = status or (500 if failed else CLIENT_LEFT)
            log.info(
                "%s %s %d %.1f ms",
                method,
                path,
                shown,
                ms,
                extra={"method": method, "path": path, "status": shown, "ms": ms},
            )
