"""Automatic assignment: which available agent takes a new conversation, and in what order
waiting conversations are handed out.

Round robin with a capacity: among the available agents with room (fewer open conversations
than their capacity), the one who has waited longest since their last assignment takes the
next conversation; an agent never assigned goes first. Ties (several never assigned, or equal
moments) go to the first agent id after the cursor (the last agent assigned), wrapping round,
so the choice is the same on every worker. When everyone is full or away the conversation
waits in the queue; when agents become available the queue is handed out oldest first.

The service reads the candidates and the cursor inside the transaction that assigns (locking
the channel's cursor row), so two workers cannot both hand out the same turn.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime


@dataclass(frozen=True)
class Candidate:
    """An available agent as assignment sees them.

    Attributes:
        open_count: Open conversations assigned to them now.
        capacity: The most open conversations they take; 0 takes none.
        last_assigned_at: When they were last given one automatically; None: never.
    """

    agent_id: int
    open_count: int
    capacity: int
    last_assigned_at: datetime | None = None

    @property
    def has_room(self) -> bool:
        return self.open_count < self.capacity


def choose(candidates: Iterable[Candidate], cursor: int | None) -> Candidate | None:
    """The agent who takes the next conversation, or None when nobody has room."""
    with_room = [candidate for candidate in candidates if candidate.has_room]
    if not with_room:
        return None
    return min(with_room, key=lambda candidate: _turn(candidate, cursor))


def _turn(candidate: Candidate, cursor: int | None) -> tuple[bool, datetime | None, bool, int]:
    """Sorts first the longest wait (never assigned before anyone), then ids after the cursor
    before ids at or before it, then by id."""
    waited = candidate.last_assigned_at
    after_cursor = cursor is None or candidate.agent_id > cursor
    return (waited is not None, waited, not after_cursor, candidate.agent_id)


@dataclass(frozen=True)
class Waiting:
    """A conversation in the queue, waiting since `since` (its first unanswered message)."""

    interaction_id: int
    since: datetime


def queue_order(waiting: Iterable[Waiting]) -> list[Waiting]:
    """Oldest first; equal moments by id, so every worker agrees."""
    return sorted(waiting, key=lambda item: (item.since, item.interaction_id))


@dataclass(frozen=True)
class Handout:
    """One conversation given to one agent."""

    interaction_id: int
    agent_id: int


def hand_out(
    waiting: Iterable[Waiting], candidates: Iterable[Candidate], cursor: int | None, now: datetime
) -> list[Handout]:
    """Waiting conversations given out, oldest first, by the same turns `choose` takes, until
    the queue is empty or nobody has room; each agent given one counts it as open and as
    assigned at `now`."""
    agents = {candidate.agent_id: candidate for candidate in candidates}
    given: list[Handout] = []
    for item in queue_order(waiting):
        chosen = choose(agents.values(), cursor)
        if chosen is None:
            break
        agents[chosen.agent_id] = replace(
            chosen, open_count=chosen.open_count + 1, last_assigned_at=now
        )
        given.append(Handout(item.interaction_id, chosen.agent_id))
        cursor = chosen.agent_id
    return given
