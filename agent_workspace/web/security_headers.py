"""Headers every answer carries, pages, assets and /api/ alike.

A page on another origin had framed the signed-in workspace, and one click on its bait closed an
interaction: no answer may be framed (CSP `frame-ancestors 'none'`, and X-Frame-Options for
older browsers). None is sniffed into another type, none sends its URL (which may hold an
interaction or a signed media link) as a referrer, and when the workspace is public over https
browsers are told to use nothing else for a year.

The policy restricts only what the app never uses (frames, plugins, `<base>`, form posts to
other origins): the Reflex frontend's own scripts, styles and websocket are left as they are.
An app's own CSP (a stored file's sandbox) is kept beside this one; browsers enforce both.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from agent_workspace.config import get_settings

CSP = "frame-ancestors 'none'; base-uri 'self'; object-src 'none'; form-action 'self'"
HSTS = "max-age=31536000"
_ALWAYS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
)
_CSP = b"content-security-policy"


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP answer that does not set them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        added = _ALWAYS
        if get_settings().public_over_https:
            added += ((b"strict-transport-security", HSTS.encode()),)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in added if name not in present]
                headers.append((_CSP, CSP.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
