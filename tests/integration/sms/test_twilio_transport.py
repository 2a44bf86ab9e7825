"""The SDK's transport (`PooledHttpClient`): what `requests` gave the SDK, kept over urllib3.

Proxies come from the environment as `requests` read them (HTTP(S)_PROXY, NO_PROXY), and a
proxy that cannot be reached is "never connected" (safe to retry), as the provider itself is.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from agent_workspace.sms import OutboundSms, RetryableSmsError, TwilioGateway
from agent_workspace.sms.simulator import SimulatorServer
from tests.integration.sms.conftest import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PHONE,
    PROVIDER,
    sim_messages,
)


class ForwardProxy:
    """A plain HTTP forward proxy on loopback that records each request line it relays, and
    the port of the connection it came on."""

    def __init__(self) -> None:
        self.request_lines: list[str] = []
        self.client_ports: list[int] = []
        self.upstream = httpx.Client(trust_env=False, timeout=5)  # not through itself
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _relay(self) -> None:
                proxy.request_lines.append(self.requestline)
                proxy.client_ports.append(self.client_address[1])
                length = int(self.headers.get("Content-Length") or 0)
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "proxy-connection", "connection")
                }
                answer = proxy.upstream.request(
                    self.command,
                    self.path,
                    content=self.rfile.read(length),
                    headers=headers,
                )
                self.send_response(answer.status_code)
                for key in ("Content-Type", "Retry-After"):
                    if key in answer.headers:
                        self.send_header(key, answer.headers[key])
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_GET = do_POST = _relay

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
        self.upstream.close()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as running:
        yield running


def _hello(gateway: TwilioGateway) -> str:
    return gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="via the proxy")).status


def _gateway_behind(
    proxy_url: str, monkeypatch: pytest.MonkeyPatch, simulator: SimulatorServer, no_proxy: str = ""
) -> TwilioGateway:
    """A gateway built while the environment names `proxy_url` (read when it is built)."""
    monkeypatch.setenv("HTTP_PROXY", proxy_url)
    monkeypatch.setenv("NO_PROXY", no_proxy)
    return TwilioGateway(ACCOUNT_SID, AUTH_TOKEN, api_base_url=simulator.url, timeout=2)


def test_requests_go_through_the_environments_proxy(
    simulator: SimulatorServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _gateway_behind(proxy.url, monkeypatch, simulator)
    assert _hello(gateway) == "queued"
    path = f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    assert proxy.request_lines == [f"POST {simulator.url}{path} HTTP/1.1"]
    assert [m["body"] for m in sim_messages(simulator)] == ["via the proxy"]


def test_no_proxy_sends_straight_to_the_provider(
    simulator: SimulatorServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _gateway_behind(proxy.url, monkeypatch, simulator, no_proxy="127.0.0.1")
    assert _hello(gateway) == "queued"
    assert proxy.request_lines == []


def test_a_proxy_that_refuses_the_connection_is_retryable(
    simulator: SimulatorServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _gateway_behind("http://127.0.0.1:9", monkeypatch, simulator)
    with pytest.raises(RetryableSmsError):
        _hello(gateway)
    monkeypatch.delenv("HTTP_PROXY")  # the test's own look at the simulator goes straight there
    assert sim_messages(simulator) == []


def test_sends_from_one_thread_reuse_one_kept_alive_connection(
    simulator: SimulatorServer, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    gateway = _gateway_behind(proxy.url, monkeypatch, simulator)
    for _ in range(5):
        _hello(gateway)
    assert len(proxy.client_ports) == 5
    assert len(set(proxy.client_ports)) == 1
