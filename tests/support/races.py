"""Work started together on threads, for the tests that prove a race is handled."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


def all_at_once(tasks: Sequence[Callable[[], T]]) -> list[T]:
    """Runs every task on its own thread, released together by a barrier; their results in
    order. A task's exception is raised here, not lost in its thread."""
    barrier = threading.Barrier(len(tasks))

    def run(task: Callable[[], T]) -> T:
        barrier.wait(timeout=30)
        return task()

    with ThreadPoolExecutor(len(tasks)) as pool:
        return list(pool.map(run, tasks))
