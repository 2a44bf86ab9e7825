"""Fixtures: the SMS simulator and a webhook receiver, both real HTTP servers on loopback."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from agent_workspace.sms import TwilioGateway
from agent_workspace.sms.simulator import SimulatorServer
from tests.support.threaded_server import ThreadedServer
from tests.support.waiting import wait_until

ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "simulator-test-token"
PROVIDER = "+12015550100"
PHONE = "+12015550150"
# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@dataclass(frozen=True)
class Received:
    """One POST the receiver got."""

    path: str
    url: str
    form: list[tuple[str, str]]
    headers: dict[str, str]
    client_port: int  # which connection it came on

    def params(self) -> dict[str, str]:
        return dict(self.form)


class WebhookReceiver:
    """Records every POST (status callbacks, inbound webhooks) and serves test media files."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.received: list[Received] = []
        self.url = ""  # where it is served, once it is
        self.app = Starlette(
            routes=[
                Route("/media/{name}", self._media, methods=["GET"]),
                Route("/{path:path}", self._record, methods=["POST"]),
            ]
        )

    async def _record(self, request: Request) -> Response:
        form = await request.form()
        item = Received(
            path=request.url.path,
            url=self.url
            + request.url.path
            + (f"?{request.url.query}" if request.url.query else ""),
            form=[(k, str(v)) for k, v in form.multi_items()],
            headers=dict(request.headers),
            client_port=request.client.port if request.client else 0,
        )
        with self._lock:
            self.received.append(item)
        if request.url.path.startswith("/fail"):
            return Response("broken", status_code=500)
        return Response("<Response/>", media_type="text/xml")

    async def _media(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name == "ok.png":
            return Response(PNG, media_type="image/png")
        if name == "page.html":
            return Response("<html></html>", media_type="text/html")
        if name == "huge.jpg":
            return Response(b"\xff" * (5 * 1024 * 1024 + 1), media_type="image/jpeg")
        return Response("missing", status_code=404)

    def posts(self, path: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path == path]

    def wait_for(
        self, path: str, predicate: Callable[[list[Received]], bool], timeout: float = 5.0
    ) -> list[Received]:
        def matched() -> tuple[list[Received]] | None:
            posts = self.posts(path)
            return (posts,) if predicate(posts) else None

        found: tuple[list[Received]] = wait_until(
            matched, timeout=timeout, what=f"the posts to {path} the test expects"
        )
        return found[0]

    def clear(self) -> None:
        with self._lock:
            self.received.clear()


@pytest.fixture(scope="session")
def receiver() -> Iterator[WebhookReceiver]:
    rec = WebhookReceiver()
    with ThreadedServer(rec.app, name="webhook-receiver") as server:
        rec.url = server.url
        yield rec


@pytest.fixture(scope="session")
def _simulator_server(receiver: WebhookReceiver) -> Iterator[SimulatorServer]:
    server = SimulatorServer(
        account_sid=ACCOUNT_SID,
        auth_token=AUTH_TOKEN,
        inbound_webhook_url=f"{receiver.url}/inbound",
        status_delays=(0.02, 0.02, 0.02),
    )
    server.start()
    yield server
    server.stop()


@pytest.fixture
def simulator(
    _simulator_server: SimulatorServer, receiver: WebhookReceiver
) -> Iterator[SimulatorServer]:
    """The running simulator with empty state and default settings."""
    _simulator_server.start()  # in case a test stopped it
    _simulator_server.reset()
    httpx.post(
        f"{_simulator_server.url}/_sim/settings",
        json={
            "inbound_webhook_url": f"{receiver.url}/inbound",
            "media_first_fetch_404": False,
            "provider_numbers": [],
            "status_delays": [0.02, 0.02, 0.02],
            "hold_queued": False,
            "advanced_opt_out_service": None,
            "messaging_services": [],
        },
    ).raise_for_status()
    receiver.clear()
    yield _simulator_server
    _simulator_server.start()


@pytest.fixture
def gateway(simulator: SimulatorServer) -> TwilioGateway:
    return TwilioGateway(
        ACCOUNT_SID, AUTH_TOKEN, api_base_url=simulator.url, timeout=2.0, media_retry_delay=0.05
    )


def sim_messages(simulator: SimulatorServer) -> list[dict[str, object]]:
    """All messages the simulator holds (control API)."""
    response = httpx.get(f"{simulator.url}/_sim/messages")
    response.raise_for_status()
    messages: list[dict[str, object]] = response.json()["messages"]
    return messages
