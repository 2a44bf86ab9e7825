"""The tabs' "seen" marks, written together instead of one transaction per tab per message.

Every tab showing a conversation tells the server when a new message reached it. With fifty
agents on one conversation that was fifty writes per message, queued behind SQLite's one
writer and each followed by its own push round. Marks are now noted on the loop and written by
one drain task per process: whatever arrives while a write runs goes into the next one. A
mark lost to a crash only leaves a message counted unread, which the next look clears.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from agent_workspace.services.access import Actor
from agent_workspace.services.interactions.inbox import mark_seen_many

log = logging.getLogger(__name__)
Write = Callable[[Sequence[tuple[Actor | None, int]]], int]


class SeenMarks:
    """Used on the event loop only (no lock): note() never waits for the database."""

    def __init__(self, write: Write = mark_seen_many) -> None:
        self._write = write
        self._pending: dict[tuple[int, int], Actor] = {}  # (agent, interaction) -> who
        self._task: asyncio.Task[None] | None = None

    def note(self, actor: Actor, interaction_id: int) -> None:
        self._pending[(actor.user_id, interaction_id)] = actor
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._task.get_loop() is not loop:
            self._task = loop.create_task(self._drain())

    async def drained(self) -> None:
        """Until every mark noted so far is written (for tests and shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def _drain(self) -> None:
        while self._pending:
            marks, self._pending = self._pending, {}
            batch = [(actor, interaction_id) for (_, interaction_id), actor in marks.items()]
            try:
                await asyncio.to_thread(self._write, batch)
            except Exception:  # the next look marks them again
                log.exception("recording %d seen marks failed", len(batch))


seen_marks = SeenMarks()
