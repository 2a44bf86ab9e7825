"""A gate in front of Reflex's public `/_upload` endpoint: who, and how much, before the body.

Reflex 0.10.1 serves `/_upload` to anyone and parses the whole multipart body (spooling files
to disk) before the event handler that would check the user runs: a signed-out client could
make the server take in 100 MB to hear "Please sign in first". This ASGI middleware, installed
with `rx.App(api_transformer=...)`, answers first:

- 403 unless the tab's session (the `Reflex-Client-Token` header names the tab's state, whose
  `SessionState.token` names the session) belongs to a signed-in agent; a header that is not a
  tab's token (web/socket_guard.py) names no tab of the client's;
- 413 when the declared Content-Length is over what the channel's policy can need;
- and it counts the body as it streams, so a chunked or lying body is cut off at that limit.

The Send handler then checks each file against the policy (state/compose_files.py).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import reflex as rx
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from agent_workspace import reflex_internals
from agent_workspace.domain.attachments import (
    AttachmentPolicy,
    upload_body_limit,
    upload_too_large,
)
from agent_workspace.services.errors import AccessDenied, ServiceError
from agent_workspace.services.files import uploads
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.session import SessionState
from agent_workspace.web.body_meter import (
    BodyMeter,
    Cut,
    answer,
    declares_more_than,
    run_metered,
)
from agent_workspace.web.socket_guard import is_client_token

Allowance = Callable[[str], Awaitable[AttachmentPolicy]]
"""Client token → the policy the upload is read within; raises ServiceError to refuse."""
TellTab = Callable[[str, str], Awaitable[None]]
"""(client token, message): shows a refusal in the tab (the upload's own reply is not shown)."""

UPLOAD_PATH = "/_upload"


def allowance_for(session_token_of: Callable[[str], Awaitable[str]]) -> Allowance:
    """The allowance of a signed-in agent, given how to find a tab's session token."""

    async def allowance(client_token: str) -> AttachmentPolicy:
        if not is_client_token(client_token):
            raise AccessDenied("Please sign in first.")
        session_token = await session_token_of(client_token)
        # The lookups are blocking database work: off the event loop every tab shares.
        return await asyncio.to_thread(uploads.upload_allowance, session_token=session_token)

    return allowance


class UploadGuard:
    """ASGI middleware refusing uploads the Send handler would refuse, before they are read."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowance: Allowance,
        tell_tab: TellTab | None = None,
        path: str = UPLOAD_PATH,
    ) -> None:
        self.app, self.allowance, self.tell_tab, self.path = app, allowance, tell_tab, path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        client_token = headers.get("reflex-client-token", "")
        try:
            policy = await self.allowance(client_token)
        except ServiceError as refused:
            await answer(send, 403, refused.message)
            return
        limit = upload_body_limit(policy)
        if declares_more_than(headers, limit):
            await self._too_large(send, client_token, policy)
            return
        meter = BodyMeter(receive, send, limit=limit)
        if await run_metered(self.app, scope, meter) is Cut.TOO_LARGE:
            await self._too_large(send, client_token, policy)

    async def _too_large(self, send: Send, client_token: str, policy: AttachmentPolicy) -> None:
        message = upload_too_large(policy).message
        if self.tell_tab is not None:
            await self.tell_tab(client_token, message)
        await answer(send, 413, message)


async def _reflex_session_token(client_token: str) -> str:
    """The session token the tab's state holds (read without taking the tab's state lock)."""
    return str((await reflex_internals.tab_state(client_token, SessionState)).token)


def guard_uploads(app_of: Callable[[], rx.App]) -> Callable[[ASGIApp], ASGIApp]:
    """The `api_transformer` that puts the guard in front of the Reflex app's routes."""

    async def tell_tab(client_token: str, message: str) -> None:
        token = rx.BaseStateToken(ident=client_token, cls=ComposeState)
        async with app_of().modify_state(token) as root:
            compose = await root.get_state(ComposeState)
            compose.attach_error = message

    def transform(asgi_app: ASGIApp) -> ASGIApp:
        return UploadGuard(
            asgi_app, allowance=allowance_for(_reflex_session_token), tell_tab=tell_tab
        )

    return transform
