"""`SimulatorServer`: run the simulator under uvicorn in a background thread (tests, scripts)."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import httpx
import uvicorn

from agent_workspace.sms.simulator.app import create_simulator_app
from agent_workspace.sms.simulator.core import Simulator
from agent_workspace.sms.simulator.store import SimulatorStore


class SimulatorServer:
    """The simulator on `host:port` (port 0 picks a free one, kept across restarts).

    `stop()` releases the port and `start()` again serves the same state on the same port, so a
    test can take the provider down and bring it back.
    """

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        inbound_webhook_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        public_base_url: str | None = None,
        **app_options: Any,
    ) -> None:
        self.host = host
        self.port = port
        self._public_base_url = public_base_url
        self._app_options: dict[str, Any] = {
            "account_sid": account_sid,
            "auth_token": auth_token,
            "inbound_webhook_url": inbound_webhook_url,
        }
        self._app_options.update(app_options)
        self.store = SimulatorStore()
        self._app: Any = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def simulator(self) -> Simulator:
        if self._app is None:
            raise RuntimeError("start() the server first")
        sim: Simulator = self._app.state.simulator
        return sim

    def start(self, timeout: float = 10.0) -> SimulatorServer:
        if self._thread is not None:
            return self
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says TCP,
        # and without it every answer waits ~40 ms for the client's delayed ACK (Nagle).
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        self._socket = sock
        if self._app is None:
            self._app = create_simulator_app(
                public_base_url=self._public_base_url or self.url,
                store=self.store,
                **self._app_options,
            )
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=1,
            access_log=False,
        )
        server = uvicorn.Server(config)
        self._server = server
        self._thread = threading.Thread(
            target=lambda: asyncio.run(server.serve(sockets=[sock])),
            name=f"sms-simulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"SMS simulator did not start on {self.url}")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def reset(self) -> None:
        """Forget all state and stop background deliveries (through the control API)."""
        httpx.post(f"{self.url}/_sim/reset", timeout=5).raise_for_status()

    def __enter__(self) -> SimulatorServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
