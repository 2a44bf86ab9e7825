"""A gate in front of Reflex's websocket (`/_event`): a client may name only a tab of its own.

Reflex 0.10.1 takes a socket's client token from its connect URL (`/_event/?token=...`), and a
hydrate answers with whatever state that token names. The browser makes a random version-4
UUID per tab; the server keeps its own states (each session's copy of a live feed) under other
names (services/accounts/live_views.copy_token). A client that could name one of those would
read it without signing in, so only a token shaped as the browser makes it reaches Reflex:
anything else is refused before the socket opens (HTTP 403), on either transport (websocket,
long polling). Uploads name their tab the same way (web/upload_guard.py).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from starlette.types import ASGIApp, Receive, Scope, Send

from agent_workspace.ops.metrics import worker_tabs

EVENT_PATH = "/_event"
# As Reflex's state.js generateUUID writes it (its variant digit is 8-f, not only 8-b) and as
# its server hands out a new one (uuid4).
_CLIENT_TOKEN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89a-f][0-9a-f]{3}-[0-9a-f]{12}")


def is_client_token(value: str) -> bool:
    """True for a token as a browser tab makes one: a lowercase version-4 UUID."""
    return _CLIENT_TOKEN.fullmatch(value) is not None


def named_token(query_string: bytes) -> str | None:
    """The one `token` a connect URL names, or None (none, several, or not a tab's token)."""
    tokens = parse_qs(query_string.decode("latin-1")).get("token", [])
    if len(tokens) != 1 or not is_client_token(tokens[0]):
        return None
    return tokens[0]


class SocketGuard:
    """ASGI middleware refusing event sockets whose token could name server-kept state."""

    def __init__(self, app: ASGIApp, path: str = EVENT_PATH) -> None:
        self.app, self.path = app, path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        events = scope["path"] == self.path or scope["path"].startswith(f"{self.path}/")
        if not (events and scope["type"] in ("http", "websocket")):
            await self.app(scope, receive, send)
            return
        if named_token(scope.get("query_string", b"")) is None:
            await _refuse(scope, receive, send)
            return
        if scope["type"] != "websocket":
            await self.app(scope, receive, send)
            return
        tabs = worker_tabs()  # a tab connected to this worker (/metrics), until its socket closes
        tabs.inc()
        try:
            await self.app(scope, receive, send)
        finally:
            tabs.dec()


async def _refuse(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        # Closed before it was accepted: the server answers the handshake with 403.
        await send({"type": "websocket.close", "code": 1008})
        return
    body = b"this socket's token is not a browser tab's"
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def guard_sockets(app: ASGIApp) -> ASGIApp:
    """The `api_transformer` that puts the guard in front of every Reflex route."""
    return SocketGuard(app)
