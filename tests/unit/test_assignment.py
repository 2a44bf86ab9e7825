"""Round robin with capacity, and the queue handed out oldest first (domain/assignment.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.assignment import (
    Candidate,
    Handout,
    Waiting,
    choose,
    hand_out,
    queue_order,
)

T0 = datetime(2026, 3, 9, 13, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def agent(
    agent_id: int, open_count: int = 0, capacity: int = 3, last: int | None = None
) -> Candidate:
    return Candidate(agent_id, open_count, capacity, None if last is None else at(last))


@pytest.mark.parametrize(
    ("candidates", "cursor", "chosen"),
    [
        ([], None, None),  # nobody available
        ([agent(1, open_count=3), agent(2, open_count=5)], None, None),  # everyone full
        ([agent(1, capacity=0)], None, None),  # capacity 0 takes none
        ([agent(1, last=5), agent(2, last=1), agent(3, last=9)], None, 2),  # longest wait
        ([agent(1, last=5), agent(2, last=1, open_count=3)], None, 1),  # the full one skipped
        ([agent(1, last=5), agent(2)], None, 2),  # never assigned goes first
        ([agent(1), agent(2), agent(3)], None, 1),  # ties: lowest id without a cursor
        ([agent(1), agent(2), agent(3)], 1, 2),  # ties: the next id after the cursor
        ([agent(1), agent(2), agent(3)], 3, 1),  # ... wrapping round
        ([agent(1), agent(3), agent(5)], 4, 5),  # the cursor's agent may have gone away
        ([agent(1, last=2), agent(2, last=2), agent(3, last=2)], 2, 3),
        ([agent(1, open_count=2), agent(2, open_count=0, last=0)], None, 1),  # not by load
    ],
)
def test_the_next_conversation_goes_round_the_agents_with_room(
    candidates: list[Candidate], cursor: int | None, chosen: int | None
) -> None:
    found = choose(candidates, cursor)
    assert (found.agent_id if found else None) == chosen


def test_the_choice_does_not_depend_on_the_order_agents_are_read_in() -> None:
    candidates = [agent(3), agent(1, last=4), agent(2), agent(4, last=4)]
    assert {choose(order, 2) for order in (candidates, candidates[::-1])} == {agent(3)}


def test_the_queue_is_oldest_first_then_by_id() -> None:
    queue = [Waiting(7, at(3)), Waiting(5, at(1)), Waiting(9, at(1)), Waiting(2, at(8))]
    assert [item.interaction_id for item in queue_order(queue)] == [5, 9, 7, 2]
    assert queue_order([]) == []


@pytest.mark.parametrize(
    ("candidates", "cursor", "handouts"),
    [
        # three waiting, two agents with room for one and two
        ([agent(1, open_count=2, last=0), agent(2, open_count=1, last=1)], None,
         [(10, 1), (11, 2), (12, 2)]),
        # room for two only: the newest waits on
        ([agent(1, open_count=2), agent(2, open_count=2)], None, [(10, 1), (11, 2)]),
        ([agent(1, open_count=3)], None, []),  # nobody has room
        ([], None, []),
        # turns carry on from the cursor, round and round
        ([agent(1), agent(2), agent(3)], 2, [(10, 3), (11, 1), (12, 2), (13, 3)]),
    ],
)  # fmt: skip
def test_waiting_conversations_are_handed_out_oldest_first_by_turns(
    candidates: list[Candidate], cursor: int | None, handouts: list[tuple[int, int]]
) -> None:
    waiting = [Waiting(13, at(-1)), Waiting(11, at(-9)), Waiting(10, at(-10)), Waiting(12, at(-5))]
    given = hand_out(waiting, candidates, cursor, now=at(0))
    assert given == [Handout(*pair) for pair in handouts]


def test_nothing_waiting_hands_out_nothing() -> None:
    assert hand_out([], [agent(1)], None, now=at(0)) == []
