"""An ASGI app served by uvicorn in a thread of the test process, on a free loopback port."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import Any, Self

import uvicorn

from tests.support.waiting import wait_until


class ThreadedServer:
    """`start()` returns once the server answers; `stop()` returns once its thread has ended.

    The thread is joined before the test goes on: a server left running had logged into the
    captured stream of a test that had ended ("I/O operation on closed file" under xdist).
    Uvicorn's own logging setup is skipped (`log_config=None`) for the same reason: it bound
    its handlers to whatever sys.stderr was at that moment. Its loggers reach pytest's."""

    def __init__(self, app: Any, *, name: str = "test-server", timeout: float = 10.0) -> None:
        # IPPROTO_TCP spelled out: asyncio sets TCP_NODELAY only on sockets whose proto says
        # TCP, and without it every answer waits ~40 ms for the client's delayed ACK.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.name, self.timeout = name, timeout
        self._server = uvicorn.Server(
            uvicorn.Config(
                app,
                log_config=None,
                log_level="warning",
                access_log=False,
                timeout_graceful_shutdown=1,
            )
        )
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[self._socket])),
            name=f"{name}-{self.port}",
            daemon=True,
        )

    def start(self) -> Self:
        self._thread.start()
        try:
            wait_until(
                lambda: self._server.started or not self._thread.is_alive(),
                timeout=self.timeout,
                what=f"{self.name} to start",
            )
            if not self._server.started:
                raise RuntimeError(f"{self.name} ended before it started")
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(self.timeout)
        self._socket.close()
        if self._thread.is_alive():
            raise AssertionError(f"{self.name} did not stop within {self.timeout} s")

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
