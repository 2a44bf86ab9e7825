"""The gate in front of Reflex's public /_upload: who, and how much, before the body is read.

The stack under uvicorn is: a meter (what the server handed on of the request body) → the
guard → an upload route that parses the multipart form the way Reflex's does. The guard's
allowance is the real one (session, role, channel policy in the database); only the lookup
from a tab's client token to its session token, which lives in Reflex state, is a dict here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.web.upload_guard import UploadGuard, allowance_for
from tests.support.factories import make_channel, make_user
from tests.support.http_pieces import Answer, post_in_pieces
from tests.support.threaded_server import ThreadedServer

MB = 1024 * 1024
PNG_HEAD = b"\x89PNG\r\n\x1a\n"


@dataclass
class Stack:
    """What each layer saw during one test."""

    url: str = ""
    sessions: dict[str, str] = field(default_factory=dict)  # client token -> session token
    metered: int = 0  # body bytes the server passed towards the guard
    parsed: list[int] = field(default_factory=list)  # sizes of files the upload route parsed
    told: list[tuple[str, str]] = field(default_factory=list)  # (client token, message)

    def reset(self) -> None:
        self.sessions.clear()
        self.metered = 0
        self.parsed.clear()
        self.told.clear()


def _build(stack: Stack) -> Any:
    async def upload(request: Request) -> Response:
        form = await request.form()  # what Reflex's buffered upload does first
        stack.parsed.extend([len(await f.read()) for f in form.getlist("files")])  # type: ignore[union-attr]
        return JSONResponse({"ok": True})

    async def other(request: Request) -> Response:
        return JSONResponse({"bytes": len(await request.body())})

    inner = Starlette(
        routes=[
            Route("/_upload", upload, methods=["POST"]),
            Route("/api/x", other, methods=["POST"]),
        ]
    )

    async def session_token_of(client_token: str) -> str:
        return stack.sessions.get(client_token, "")

    async def tell_tab(client_token: str, message: str) -> None:
        stack.told.append((client_token, message))

    guard = UploadGuard(inner, allowance=allowance_for(session_token_of), tell_tab=tell_tab)

    async def meter(scope: Any, receive: Any, send: Any) -> None:
        async def metered_receive() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                stack.metered += len(message.get("body", b""))
            return message

        await guard(scope, metered_receive, send)

    return meter


@pytest.fixture(scope="module")
def _stack() -> Iterator[Stack]:
    stack = Stack()
    with ThreadedServer(_build(stack), name="guarded-upload-app") as server:
        stack.url = server.url
        yield stack


@pytest.fixture
def stack(_stack: Stack, engine: Engine) -> Stack:
    _stack.reset()
    make_channel(policy=AttachmentPolicy(max_total_bytes=1 * MB, max_files=2))
    return _stack


def _signed_in(stack: Stack, username: str, roles: tuple[Role, ...] = (Role.AGENT,)) -> str:
    make_user(username, roles=roles)
    session_token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    client_token = str(uuid.uuid4())  # as the browser makes a tab's token
    stack.sessions[client_token] = session_token
    return client_token


def _post(stack: Stack, client_token: str | None, *sizes: int, chunked: bool = False) -> Answer:
    """A browser-like multipart upload; `chunked` sends it without a Content-Length."""
    headers = {"Reflex-Event-Handler": "state.compose_state.send"}
    if client_token is not None:
        headers["Reflex-Client-Token"] = client_token
    files = [
        ("files", (f"{i}.png", PNG_HEAD + bytes(n - len(PNG_HEAD)), "image/png"))
        for i, n in enumerate(sizes)
    ]
    form = httpx.Request("POST", stack.url, files=files)
    body = form.read()
    headers["Content-Type"] = form.headers["Content-Type"]
    pieces = [body[i : i + 64 * 1024] for i in range(0, len(body), 64 * 1024)]
    length = None if chunked else len(body)
    return post_in_pieces(stack.url, "/_upload", pieces, headers=headers, length=length)


@pytest.mark.parametrize("client_token", [None, "", "a-tab-nobody-signed-in-on"])
def test_a_signed_out_client_is_refused_before_its_body_is_read(
    stack: Stack, client_token: str | None
) -> None:
    response = _post(stack, client_token, 2 * MB)

    assert (response.status_code, response.json()) == (403, {"detail": "Please sign in first."})
    assert stack.metered == 0
    assert stack.parsed == []


def test_a_token_that_is_not_a_tabs_is_refused_whatever_state_it_names(stack: Stack) -> None:
    """A client names the state its upload is for: a name the server keeps state under (a live
    feed's copy, here holding a signed-in agent's session) is not a tab of the client's."""
    tab = _signed_in(stack, "alice")
    stack.sessions["ix1s1"] = stack.sessions[tab]

    response = _post(stack, "ix1s1", 1000)

    assert (response.status_code, response.json()) == (403, {"detail": "Please sign in first."})
    assert stack.metered == 0


def test_a_user_without_the_agent_role_is_refused_before_the_body_is_read(stack: Stack) -> None:
    tab = _signed_in(stack, "root", roles=(Role.ADMIN,))

    response = _post(stack, tab, 1000)

    assert response.status_code == 403
    assert "does not have the agent_workspace_user role" in response.json()["detail"]
    assert stack.metered == 0


def test_a_revoked_session_is_refused(stack: Stack) -> None:
    tab = _signed_in(stack, "alice")
    auth.sign_out(stack.sessions[tab])

    assert _post(stack, tab, 1000).status_code == 403
    assert stack.metered == 0


def test_an_agents_upload_declared_larger_than_the_policy_is_refused_up_front(
    stack: Stack,
) -> None:
    tab = _signed_in(stack, "alice")

    response = _post(stack, tab, 2 * MB)

    message = "These attachments are larger than the 1 MB a message may take."
    assert (response.status_code, response.json()) == (413, {"detail": message})
    assert stack.metered == 0
    assert stack.told == [(tab, message)]


def test_a_chunked_body_is_cut_off_where_it_passes_the_limit(stack: Stack) -> None:
    tab = _signed_in(stack, "alice")

    response = _post(stack, tab, 3 * MB, chunked=True)

    assert response.status_code == 413
    assert stack.parsed == []  # the upload never reached the handler
    # Past the 1 MB limit (and its framing) by at most what the server had buffered.
    assert 1 * MB < stack.metered < 2 * MB
    assert stack.told == [(tab, "These attachments are larger than the 1 MB a message may take.")]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_agents_upload_within_the_policy_goes_through_whole(stack: Stack, chunked: bool) -> None:
    tab = _signed_in(stack, "alice")

    response = _post(stack, tab, MB // 2, MB // 2, chunked=chunked)

    assert (response.status_code, response.json()) == (200, {"ok": True})
    assert stack.parsed == [MB // 2, MB // 2]
    assert stack.told == []


def test_other_routes_are_not_gated(stack: Stack) -> None:
    response = httpx.post(f"{stack.url}/api/x", content=bytes(2 * MB), timeout=10)
    assert response.json() == {"bytes": 2 * MB}
