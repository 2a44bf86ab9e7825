"""The instants a store keeps of a conversation's clocks (domain/sla.py -> due, status_at):
read back at any moment they say what the clocks say (readings, nearest), calendar or not."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent_workspace.domain.sla import (
    Due,
    Facts,
    Policy,
    Status,
    due,
    nearest,
    readings,
    status_at,
)
from tests.unit.test_sla import DESK, FRIDAY_1630, FRIDAY_1800, MONDAY_0930, H, M, asked, utc

POLICIES = [
    Policy(first_response=H, next_response=2 * H, resolution=8 * H, calendar=DESK),
    Policy(first_response=H, calendar=DESK, amber_fraction=0.5),
    Policy(first_response=15 * M, resolution=24 * H),
    Policy(first_response=H, calendar=DESK, amber_fraction=0),
    Policy(resolution=3 * H, calendar=DESK),
]
FACTS = [
    asked(MONDAY_0930),
    asked(FRIDAY_1630),  # the amber quarter starts on Friday, ends on Monday
    asked(FRIDAY_1800),  # after hours: counts from Monday's opening
    asked(utc(3, 9, 15, 50)),  # 11:50 EDT: the lunch hour inside the window
    asked(MONDAY_0930, utc(3, 9, 15), replies=(utc(3, 9, 14),)),
    asked(MONDAY_0930, replies=(utc(3, 9, 14),)),
    Facts(opened_at=MONDAY_0930, consumer_messages=(MONDAY_0930,), resolved_at=utc(3, 9, 14)),
]
# Every 13 minutes over five days, and each stored instant and a microsecond either side.
GRID = [FRIDAY_1630 - 2 * H + i * 13 * M for i in range(5 * 24 * 60 // 13)]


@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("facts", FACTS)
def test_the_stored_instants_read_as_the_clocks_do(policy: Policy, facts: Facts) -> None:
    kept = due(policy, facts, FRIDAY_1630 - 3 * H, None)
    edges = [at for at in (kept.amber_at, kept.due_at) if at is not None]
    tiny = timedelta(microseconds=1)
    for now in GRID + [e + d for e in edges for d in (-tiny, timedelta(0), tiny)]:
        reading = nearest(readings(policy, facts, now))
        assert status_at(kept, now) == (reading.status if reading else None), now


def test_the_next_turn_is_the_amber_one_then_each_breach_not_told() -> None:
    policy = Policy(first_response=H, resolution=8 * H)
    facts = asked(utc(3, 9, 12))
    before = due(policy, facts, utc(3, 9, 12), None)
    assert before == Due(utc(3, 9, 13), utc(3, 9, 12, 45), utc(3, 9, 12, 45))
    # told amber (now past it): the first response's breach is next
    assert due(policy, facts, utc(3, 9, 12, 46), None).alarm_at == utc(3, 9, 13)
    # the first response's breach told: the resolution's
    told = due(
        policy, facts, utc(3, 9, 13, 1), f"{utc(3, 9, 13):%Y-%m-%dT%H:%M:%SZ}/first_response"
    )
    assert told.alarm_at == utc(3, 9, 20)
    # a breach not told stays pending however late it is read
    assert due(policy, facts, utc(3, 9, 22), None).alarm_at == utc(3, 9, 13)


def test_nothing_is_kept_without_a_policy_or_a_running_clock() -> None:
    assert due(None, asked(MONDAY_0930), MONDAY_0930, None) == Due()
    replied = asked(MONDAY_0930, replies=(utc(3, 9, 14),))
    assert due(Policy(first_response=H), replied, MONDAY_0930, None) == Due()
    assert status_at(Due(), MONDAY_0930) is None
    assert (
        status_at(due(Policy(first_response=H), asked(MONDAY_0930), MONDAY_0930, None), MONDAY_0930)
        == Status.OK
    )
