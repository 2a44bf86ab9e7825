"""Seen marks are written together: one write per drain, marks noted meanwhile go in the next."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.state.seen_marks import SeenMarks

ALICE = Actor(1, "alice", "Alice", frozenset({Role.AGENT}), 11)
BOB = Actor(2, "bob", "Bob", frozenset({Role.AGENT}), 12)


class Recorder:
    def __init__(self, fail_first: bool = False) -> None:
        self.batches: list[list[tuple[int, int]]] = []
        self.release = threading.Event()
        self.release.set()
        self.fail_first = fail_first

    def __call__(self, marks: Sequence[tuple[Actor | None, int]]) -> int:
        self.release.wait(5)
        self.batches.append(sorted((a.user_id if a else 0, i) for a, i in marks))
        if self.fail_first and len(self.batches) == 1:
            raise RuntimeError("database is locked")
        return len(marks)


async def test_marks_noted_together_are_one_write_and_repeats_merge() -> None:
    write = Recorder()
    marks = SeenMarks(write)
    marks.note(ALICE, 7)
    marks.note(BOB, 7)
    marks.note(ALICE, 7)
    await marks.drained()
    assert write.batches == [[(1, 7), (2, 7)]]


async def test_marks_noted_during_a_write_go_into_the_next_one() -> None:
    write = Recorder()
    write.release.clear()
    marks = SeenMarks(write)
    marks.note(ALICE, 7)
    await asyncio.sleep(0.05)  # the first write has started and waits
    marks.note(BOB, 7)
    marks.note(BOB, 8)
    write.release.set()
    await marks.drained()
    assert write.batches == [[(1, 7)], [(2, 7), (2, 8)]]


async def test_a_failed_write_does_not_stop_later_marks(caplog) -> None:  # type: ignore[no-untyped-def]
    write = Recorder(fail_first=True)
    marks = SeenMarks(write)
    marks.note(ALICE, 7)
    await marks.drained()
    marks.note(BOB, 8)
    await marks.drained()
    assert write.batches == [[(1, 7)], [(2, 8)]]
    assert "recording 1 seen marks failed" in caplog.text
