"""Waiting for something that must happen, bounded: never for a fixed time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any


def wait_until(
    condition: Callable[[], Any],
    *,
    timeout: float = 8.0,
    step: Callable[[], object] | None = None,
    what: str = "condition",
) -> Any:
    """Runs `step` (e.g. a dispatcher pass) and checks `condition` until it is truthy; fails
    after `timeout` seconds saying what it waited for."""
    deadline = time.monotonic() + timeout
    while True:
        if step is not None:
            step()
        if result := condition():
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class Doorbell:
    """What a test on the event loop waits on: the fakes the code under test calls ring it,
    and the test checks its condition again after each ring, never on a timer."""

    def __init__(self) -> None:
        self._rung = asyncio.Event()  # bound to the loop that first waits on it

    def ring(self) -> None:
        self._rung.set()

    async def until(
        self, condition: Callable[[], Any], *, timeout: float = 8.0, what: str = "condition"
    ) -> Any:
        """Returns `condition()` once it is truthy; fails after `timeout` seconds saying what
        it waited for."""
        try:
            async with asyncio.timeout(timeout):
                while not (result := condition()):
                    await self._rung.wait()
                    self._rung.clear()  # rung before the check above: the check saw it
        except TimeoutError:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}") from None
        return result
