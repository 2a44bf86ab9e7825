"""The HTTP edge of a served workspace (Granian, as `cli serve` runs it), attacked from raw
sockets: slow bodies, oversized webhooks, and the headers every answer carries.

The workspace here is public at an https URL (so it sends HSTS) and has a short body timeout
and a small cap on slow readers, so an attack ends in seconds; the session's `workspace` is
the plain http one.
"""

from __future__ import annotations

import re
import selectors
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from agent_workspace import config
from agent_workspace.sms import compute_signature
from tests.support.http_pieces import post_in_pieces
from tests.support.servers import WorkspaceServer

PUBLIC_URL = "https://aw.example"
BODY_TIMEOUT = 6  # seconds a slow body may take here (AW_BODY_TIMEOUT_SECONDS)
SLOW_READERS = 8  # AW_SLOW_BODY_READERS
# More slow connections than Granian holds open (1,024 with one worker, its backpressure: more
# wait in the kernel's queue), as in the attack that stalled the workspace.
ATTACKERS = 1100
SUPPORT_NUMBER = "+14155550100"  # the demo data's Support line
CONSUMER = "+14155550123"
MB = 1024 * 1024


@pytest.fixture(scope="module")
def edge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    server = WorkspaceServer(
        Path(tmp_path_factory.mktemp("edge")),
        extra_env={
            "AW_PUBLIC_BASE_URL": PUBLIC_URL,
            "AW_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT),
            "AW_SLOW_BODY_READERS": str(SLOW_READERS),
        },
    )
    server.start()
    yield server
    server.stop()


def _host_port(server: WorkspaceServer) -> tuple[str, int]:
    return "127.0.0.1", server.port


def _signed_inbound(server: WorkspaceServer, n: int) -> tuple[dict[str, str], dict[str, str]]:
    """A correctly signed inbound webhook (the simulator's account, signed for the server's
    public URL)."""
    sid = f"SM{n:032x}"
    params = {
        "MessageSid": sid,
        "AccountSid": config.SIMULATOR_ACCOUNT_SID,
        "From": CONSUMER,
        "To": SUPPORT_NUMBER,
        "Body": f"still there? {n}",
        "NumMedia": "0",
    }
    token = config.get_settings().provider_account().auth_token
    public = server.env["AW_PUBLIC_BASE_URL"]
    signature = compute_signature(token, f"{public}/api/twilio/inbound", params)
    return params, {"X-Twilio-Signature": signature}


def _slow_webhook(server: WorkspaceServer) -> socket.socket:
    """Headers and the first byte of a 1,000-byte webhook body; the rest never comes."""
    sock = socket.create_connection(_host_port(server), timeout=10)
    sock.sendall(
        b"POST /api/twilio/inbound HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nB"
    )
    return sock


def _answers(socks: list[socket.socket], timeout: float) -> list[bytes]:
    """What the server sent each socket before closing it (b"" for a bare close), waiting at
    most `timeout` seconds for all of them."""
    received = {sock: b"" for sock in socks}
    closed: set[socket.socket] = set()
    selector = selectors.DefaultSelector()
    for sock in socks:
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ, sock)
    deadline = time.monotonic() + timeout
    while len(closed) < len(socks) and (left := deadline - time.monotonic()) > 0:
        for key, _ in selector.select(left):
            sock = key.data
            try:
                data = sock.recv(4096)
            except ConnectionResetError:
                data = b""
            received[sock] += data
            if not data:
                closed.add(sock)
                selector.unregister(sock)
    selector.close()
    assert len(closed) == len(socks), f"{len(socks) - len(closed)} slow connections still open"
    return [received[sock] for sock in socks]


def _status(answer: bytes) -> int:
    match = re.match(rb"HTTP/1\.1 (\d{3}) ", answer)
    assert match, answer[:200]
    return int(match.group(1))


def test_slow_bodies_are_cut_and_the_workspace_answers_meanwhile(edge: WorkspaceServer) -> None:
    attackers = [_slow_webhook(edge) for _ in range(ATTACKERS)]
    try:
        # While they hang: the liveness probe and a signed webhook are answered.
        ping = httpx.get(f"{edge.url}/ping", timeout=BODY_TIMEOUT - 2)
        params, headers = _signed_inbound(edge, 1)
        webhook = httpx.post(
            f"{edge.url}/api/twilio/inbound",
            content=urlencode(params),
            headers={**headers, "Content-Type": "application/x-www-form-urlencoded"},
            timeout=BODY_TIMEOUT - 2,
        )
        assert (ping.status_code, webhook.status_code) == (200, 200)
        assert "<Response/>" in webhook.text

        # Each slow connection is cut by the server: the first few when their time is up,
        # those past the cap on slow readers at once.
        statuses = [_status(answer) for answer in _answers(attackers, timeout=BODY_TIMEOUT * 4)]
    finally:
        for sock in attackers:
            sock.close()
    assert set(statuses) == {408, 503}
    assert httpx.get(f"{edge.url}/ping", timeout=5).status_code == 200


@pytest.mark.parametrize("path", ["/api/twilio/inbound", "/api/twilio/status"])
@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_an_oversized_webhook_is_refused_before_its_body_is_read(
    edge: WorkspaceServer, path: str, chunked: bool
) -> None:
    """300 MB posted unsigned: 413 while the client still has nearly all of it to send."""
    size = 300 * MB
    piece = b"Body=" + b"x" * (64 * 1024 - 5)
    answer = post_in_pieces(
        edge.url,
        path,
        (piece for _ in range(size // len(piece))),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        length=None if chunked else size,
    )

    assert answer.status_code == 413
    assert "larger than" in answer.json()["detail"]
    # Of 300 MB: what loopback's socket buffers took in before the answer was seen (a few MB);
    # a server that read the body to its end would have had it all.
    assert answer.sent < 16 * MB
    assert httpx.get(f"{edge.url}/ping", timeout=5).status_code == 200


HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(params=["http", "https"])
def served(request: pytest.FixtureRequest) -> tuple[WorkspaceServer, bool]:
    """The session's plain http workspace, or this module's https one (which sends HSTS)."""
    https = request.param == "https"
    server: WorkspaceServer = request.getfixturevalue("edge" if https else "workspace")
    return server, https


def test_every_answer_carries_the_security_headers(served: tuple[WorkspaceServer, bool]) -> None:
    server, https = served
    with httpx.Client(base_url=server.url, timeout=10) as client:
        page = client.get("/")
        assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', page.text)
        assert assets, "the page links no built asset"
        params, signed = _signed_inbound(server, 2)
        answers = {
            "/": page,
            "/login": client.get("/login"),
            "/admin": client.get("/admin"),
            "/supervisor": client.get("/supervisor"),
            "/interactions/1": client.get("/interactions/1"),
            "/no/such/page": client.get("/no/such/page"),
            assets[0]: client.get(assets[0]),
            "/favicon.ico": client.get("/favicon.ico"),
            "/workspace.js": client.get("/workspace.js"),
            "/ping": client.get("/ping"),
            "/api/media/1/x.png": client.get("/api/media/1/x.png"),
            "/api/twilio/inbound (unsigned)": client.post("/api/twilio/inbound", data=params),
            "/api/twilio/inbound (signed)": client.post(
                "/api/twilio/inbound", data=params, headers=signed
            ),
        }
    assert answers["/api/twilio/inbound (signed)"].status_code == 200
    for what, answer in answers.items():
        assert answer.status_code < 500, what
        headers = answer.headers
        policies = headers.get_list("content-security-policy")
        assert any("frame-ancestors 'none'" in p for p in policies), (what, policies)
        for name, value in HEADERS.items():
            assert headers.get(name) == value, (what, name, headers.get(name))
        hsts = headers.get("strict-transport-security")
        assert hsts == ("max-age=31536000" if https else None), (what, hsts)
