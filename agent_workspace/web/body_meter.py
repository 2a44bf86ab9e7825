"""What the ASGI guards share: a meter on the request body, and answering for the app.

A guard runs the app with the meter's `receive` and `send`. When the body breaks a bound (too
many bytes, too slow, or no room left for another slow reader) the meter stops passing it on:
the app hears the client leave, whatever it answers to that is dropped, and the guard answers
why instead, with `Connection: close` (the rest of the body is not worth draining).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from enum import Enum

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DISCONNECT: Message = {"type": "http.disconnect"}


class Cut(Enum):
    """Why a body stopped being passed on, as the status the guard answers with."""

    TOO_LARGE = 413
    TOO_SLOW = 408
    BUSY = 503


@dataclass
class SlowReaders:
    """How many requests of this process may be waiting on a slow body at once."""

    cap: int
    waiting: int = 0

    def take(self) -> bool:
        if self.waiting >= self.cap:
            return False
        self.waiting += 1
        return True

    def give_back(self) -> None:
        self.waiting -= 1


@dataclass(frozen=True)
class Pace:
    """How long a body may take: `patience` seconds plus what its size needs at `min_rate`
    bytes a second; one still arriving after `slow_after` seconds needs a slow reader's place."""

    patience: float
    min_rate: float
    readers: SlowReaders
    slow_after: float = 1.0


@dataclass
class BodyMeter:
    """Passes the body on while it stays within `limit` bytes and keeps `pace`."""

    _receive: Receive
    _send: Send
    limit: int | None = None
    pace: Pace | None = None
    received: int = 0
    cut: Cut | None = None
    answered: bool = False  # the app started its answer
    _whole: bool = False  # the last piece of the body came
    _reading_slowly: bool = False  # holds one of pace.readers
    _started: float | None = None  # when the app first asked for the body: its own time
    # before that (the upload guard's lookups) is not the client's to make up
    _timer: asyncio.TimerHandle | None = None

    async def receive(self) -> Message:
        if self.cut is not None:
            return DISCONNECT
        message = await (self._receive() if self._whole else self._next_piece())
        if message["type"] != "http.request":
            return message
        self.received += len(message.get("body", b""))
        if self.limit is not None and self.received > self.limit:
            return self._cut_off(Cut.TOO_LARGE)
        if not message.get("more_body", False):
            self._whole = True
            self.release()
        return message

    async def send(self, message: Message) -> None:
        if self.cut is None:
            self.answered = self.answered or message["type"] == "http.response.start"
            await self._send(message)

    def release(self) -> None:
        """Gives back the slow reader's place, if this request held one."""
        if self._reading_slowly and self.pace is not None:
            self._reading_slowly = False
            self.pace.readers.give_back()

    async def _next_piece(self) -> Message:
        """The next piece, waited for on its own task that a timer cancels when the body is
        out of time (a timer, not asyncio.wait: that tripled the cost of every request)."""
        if self.pace is None:
            return await self._receive()
        loop = asyncio.get_running_loop()
        if self._started is None:
            self._started = loop.time()
        waiting = asyncio.ensure_future(self._receive())
        self._timer = loop.call_at(self._due(), self._lapse, waiting)
        try:
            return await waiting
        except asyncio.CancelledError:
            if self.cut is None:
                raise  # not ours: the request itself is being cancelled
            return DISCONNECT
        finally:
            self._timer.cancel()

    def _due(self) -> float:
        """When the wait for the next piece lapses: a second in, while it holds no place among
        the slow readers; then at the end of the time the body's size has earned."""
        assert self.pace is not None and self._started is not None
        if not self._reading_slowly:
            return self._started + self.pace.slow_after
        return self._started + self.pace.patience + self.received / self.pace.min_rate

    def _lapse(self, waiting: asyncio.Future[Message]) -> None:
        if waiting.done():
            return
        assert self.pace is not None
        if self._reading_slowly:
            self._cut_off(Cut.TOO_SLOW)
        elif not self.pace.readers.take():
            self._cut_off(Cut.BUSY)
        else:
            self._reading_slowly = True
            self._timer = asyncio.get_running_loop().call_at(self._due(), self._lapse, waiting)
            return
        waiting.cancel()

    def _cut_off(self, why: Cut) -> Message:
        self.cut = why
        self.release()
        return DISCONNECT


def declares_more_than(headers: Headers, limit: int) -> bool:
    """Whether the request's Content-Length is over `limit` (or is not a length at all)."""
    declared = headers.get("content-length")
    return declared is not None and (not declared.isdigit() or int(declared) > limit)


async def run_metered(app: ASGIApp, scope: Scope, meter: BodyMeter) -> Cut | None:
    """Runs the app behind the meter; why it cut the body off, if it did (and the app had not
    answered yet: then the caller answers)."""
    try:
        await app(scope, meter.receive, meter.send)
    except Exception:
        if meter.cut is None:
            raise
        # Reflex answers a vanished client with an empty 200; other apps may raise.
    finally:
        meter.release()
    return None if meter.answered else meter.cut


async def answer(
    send: Send, status: int, detail: str, headers: tuple[tuple[str, str], ...] = ()
) -> None:
    """A JSON `{"detail": ...}` answer that closes the connection."""
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),  # the unread body is not worth draining
                *((name.encode(), value.encode()) for name, value in headers),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
