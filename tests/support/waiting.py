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


async def wait_until_async(
    condition: Callable[[], Any], *, timeout: float = 8.0, what: str = "condition"
) -> Any:
    """`wait_until` for a test on the event loop: between checks the loop runs what the test
    waits for (a task of the code under test)."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(0.005)
    return result
