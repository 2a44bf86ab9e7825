"""SLA clocks of one conversation (domain/sla.py).

The desk opens Mon-Fri 09:00-12:00 and 13:00-17:00 in New York, closed at Christmas. New York
springs forward on Sunday 2026-03-08: Friday the 6th is EST (UTC-5), Monday the 9th EDT (UTC-4).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from agent_workspace.domain.business_hours import Calendar
from agent_workspace.domain.business_hours_text import parse_hours
from agent_workspace.domain.sla import (
    Facts,
    Policy,
    Rule,
    Status,
    Target,
    clocks,
    met,
    nearest,
    new_breaches,
    policy_for,
    readings,
)

DESK = Calendar(
    "America/New_York",
    parse_hours("Mon-Fri 09:00-12:00, 13:00-17:00"),
    frozenset({date(2026, 12, 25)}),
)
H = timedelta(hours=1)
M = timedelta(minutes=1)
BUSINESS = Policy(first_response=H, next_response=2 * H, resolution=8 * H, calendar=DESK)
FIRST_ONLY = Policy(first_response=H, calendar=DESK)
CALENDAR_TIME = Policy(first_response=H, resolution=24 * H)

FR, NR, RES = Target.FIRST_RESPONSE, Target.NEXT_RESPONSE, Target.RESOLUTION


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def asked(at: datetime, *more: datetime, replies: tuple[datetime, ...] = ()) -> Facts:
    return Facts(opened_at=at, consumer_messages=(at, *more), agent_replies=replies)


MONDAY_0930 = utc(3, 9, 13, 30)  # 09:30 EDT
FRIDAY_1630 = utc(3, 6, 21, 30)  # 16:30 EST
FRIDAY_1800 = utc(3, 6, 23)  # 18:00 EST, after hours


@pytest.mark.parametrize(
    ("policy", "facts", "expected"),
    [
        # (target, set at, due at, stopped at)
        (FIRST_ONLY, asked(MONDAY_0930, replies=(utc(3, 9, 14),)),
         [(FR, MONDAY_0930, utc(3, 9, 14, 30), utc(3, 9, 14))]),
        # after hours on Friday: the clock starts at Monday's opening, past the DST change
        (FIRST_ONLY, asked(FRIDAY_1800), [(FR, FRIDAY_1800, utc(3, 9, 14), None)]),
        # half an hour on Friday, half an hour on Monday
        (FIRST_ONLY, asked(FRIDAY_1630), [(FR, FRIDAY_1630, utc(3, 9, 13, 30), None)]),
        (CALENDAR_TIME, asked(utc(3, 7, 3)),
         [(RES, utc(3, 7, 3), utc(3, 8, 3), None), (FR, utc(3, 7, 3), utc(3, 7, 4), None)]),
        # a run of messages waits once; a message after a reply waits again (next response)
        (BUSINESS, Facts(
            opened_at=utc(3, 9, 13, 25),
            consumer_messages=(MONDAY_0930, utc(3, 9, 15), utc(3, 9, 15, 10), utc(3, 9, 19)),
            agent_replies=(utc(3, 9, 14), utc(3, 9, 15, 30)),
         ), [
            (RES, utc(3, 9, 13, 25), utc(3, 10, 14, 25), None),  # 6 h 35 + 1 h 25: Tue 10:25
            (FR, MONDAY_0930, utc(3, 9, 14, 30), utc(3, 9, 14)),
            (NR, utc(3, 9, 15), utc(3, 9, 18), utc(3, 9, 15, 30)),  # 2 h over lunch
            (NR, utc(3, 9, 19), utc(3, 9, 21), None),  # 15:00-17:00 EDT
         ]),
        # resolving stops every clock; what comes after is not counted
        (BUSINESS, Facts(
            opened_at=MONDAY_0930, consumer_messages=(MONDAY_0930, utc(3, 9, 16)),
            resolved_at=utc(3, 9, 13, 50),
         ), [
            (RES, MONDAY_0930, utc(3, 10, 14, 30), utc(3, 9, 13, 50)),
            (FR, MONDAY_0930, utc(3, 9, 14, 30), utc(3, 9, 13, 50)),
         ]),
        # an agent wrote first: the consumer's answer is their first wait
        (FIRST_ONLY, Facts(opened_at=utc(3, 9, 13), consumer_messages=(MONDAY_0930,),
                           agent_replies=(utc(3, 9, 13),)),
         [(FR, MONDAY_0930, utc(3, 9, 14, 30), None)]),
        (FIRST_ONLY, Facts(opened_at=MONDAY_0930), []),  # nobody waits
        (Policy(calendar=DESK), asked(MONDAY_0930), []),  # no targets
    ],
)  # fmt: skip
def test_each_wait_sets_a_clock_due_after_its_target(
    policy: Policy, facts: Facts, expected: list[tuple[Target, datetime, datetime, datetime | None]]
) -> None:
    found = [(c.target, c.set_at, c.due_at, c.stopped_at) for c in clocks(policy, facts)]
    assert found == expected


@pytest.mark.parametrize(
    ("facts", "now", "left", "status"),
    [
        (asked(MONDAY_0930), utc(3, 9, 13, 40), 50 * M, Status.OK),
        (asked(MONDAY_0930), utc(3, 9, 14, 15), 15 * M, Status.OK),  # a quarter left: not less
        (asked(MONDAY_0930), utc(3, 9, 14, 16), 14 * M, Status.AMBER),
        (asked(MONDAY_0930), utc(3, 9, 14, 30), 0 * M, Status.AMBER),  # due now: not yet past
        (asked(MONDAY_0930), utc(3, 9, 14, 45), -15 * M, Status.RED),
        # overdue counts business time: 10:30-12:00 and 13:00-13:30 EDT
        (asked(MONDAY_0930), utc(3, 9, 17, 30), -2 * H, Status.RED),
        (asked(FRIDAY_1800), utc(3, 7, 12), H, Status.OK),  # not started over the weekend
        (asked(FRIDAY_1630), utc(3, 6, 22, 30), 30 * M, Status.OK),  # Friday evening
        (asked(FRIDAY_1630), utc(3, 9, 13, 20), 10 * M, Status.AMBER),  # Monday 09:20 EDT
    ],
)
def test_a_running_clock_shows_business_time_left_and_its_colour(
    facts: Facts, now: datetime, left: timedelta, status: Status
) -> None:
    (reading,) = readings(FIRST_ONLY, facts, now)
    assert (reading.left, reading.status) == (left, status)


def test_the_amber_share_is_the_policys() -> None:
    policy = Policy(first_response=H, calendar=DESK, amber_fraction=0.5)
    (reading,) = readings(policy, asked(MONDAY_0930), utc(3, 9, 14, 1))
    assert reading.status == Status.AMBER


def test_the_nearest_target_is_the_one_due_first() -> None:
    found = readings(BUSINESS, asked(MONDAY_0930), utc(3, 9, 13, 40))
    assert [r.clock.target for r in found] == [FR, RES]
    reading = nearest(found)
    assert reading is not None and reading.clock.target == FR
    assert nearest(()) is None


def test_a_stopped_clock_is_not_read() -> None:
    facts = asked(MONDAY_0930, replies=(utc(3, 9, 14),))
    assert readings(FIRST_ONLY, facts, utc(3, 9, 20)) == ()


@pytest.mark.parametrize(
    ("facts", "now", "last_key", "breached"),
    [
        (asked(MONDAY_0930), utc(3, 9, 14, 30), None, []),  # due now: not breached yet
        (asked(MONDAY_0930), utc(3, 9, 14, 31), None, ["2026-03-09T14:30:00Z/first_response"]),
        (asked(MONDAY_0930), utc(3, 9, 14, 31), "2026-03-09T14:30:00Z/first_response", []),
        # later, resolution breaches too: only it is new
        (asked(MONDAY_0930), utc(3, 10, 15), "2026-03-09T14:30:00Z/first_response",
         ["2026-03-10T14:30:00Z/resolution"]),
        # both at once, in the order they happened
        (asked(MONDAY_0930), utc(3, 10, 15), None,
         ["2026-03-09T14:30:00Z/first_response", "2026-03-10T14:30:00Z/resolution"]),
        # answered late, before anyone looked: nothing to act on
        (asked(MONDAY_0930, replies=(utc(3, 9, 15),)), utc(3, 9, 16), None, []),
    ],
)  # fmt: skip
def test_a_breach_is_notified_once(
    facts: Facts, now: datetime, last_key: str | None, breached: list[str]
) -> None:
    assert [c.breach_key for c in new_breaches(BUSINESS, facts, now, last_key)] == breached


@pytest.mark.parametrize(
    ("facts", "kind", "now", "outcome"),
    [
        (asked(MONDAY_0930, replies=(utc(3, 9, 14),)), FR, utc(3, 9, 20), True),
        (asked(MONDAY_0930, replies=(utc(3, 9, 14, 30),)), FR, utc(3, 9, 20), True),  # on time
        (asked(MONDAY_0930, replies=(utc(3, 9, 14, 31),)), FR, utc(3, 9, 20), False),
        (asked(MONDAY_0930), FR, utc(3, 9, 14), None),  # still running, in time
        (asked(MONDAY_0930), FR, utc(3, 9, 15), False),  # still running, past due
        (asked(MONDAY_0930, replies=(utc(3, 9, 14),)), NR, utc(3, 9, 20), None),  # no wait
        # two next responses, the second late
        (asked(MONDAY_0930, utc(3, 9, 14, 10), utc(3, 9, 19),
               replies=(utc(3, 9, 14), utc(3, 9, 15), utc(3, 9, 21, 1))), NR, utc(3, 10, 12),
         False),
        (asked(MONDAY_0930, utc(3, 9, 14, 10),
               replies=(utc(3, 9, 14), utc(3, 9, 15))), NR, utc(3, 10, 12), True),
    ],
)  # fmt: skip
def test_reports_count_a_target_met_or_missed(
    facts: Facts, kind: Target, now: datetime, outcome: bool | None
) -> None:
    assert met(BUSINESS, facts, kind, now) is outcome


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"first_response": timedelta(0)}, "positive"),
        ({"resolution": -H}, "positive"),
        ({"amber_fraction": 1.0}, "amber"),
        ({"amber_fraction": -0.1}, "amber"),
    ],
)
def test_a_policy_that_cannot_be_met_is_refused(arguments: dict[str, object], words: str) -> None:
    with pytest.raises(ValueError, match=words):
        Policy(**arguments)  # type: ignore[arg-type]


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Facts(opened_at=MONDAY_0930, consumer_messages=(datetime(2026, 3, 9, 9, 30),))


CHANNEL_DEFAULT = Policy(first_response=4 * H)
VIP = Policy(first_response=H)
BILLING = Policy(first_response=2 * H)
RULES = [
    Rule(1, VIP, "vip"),
    Rule(1, CHANNEL_DEFAULT),
    Rule(1, BILLING, "billing"),
    Rule(2, BILLING, "vip"),
]


@pytest.mark.parametrize(
    ("channel_id", "labels", "policy"),
    [
        (1, [], CHANNEL_DEFAULT),
        (1, ["billing"], BILLING),
        (1, ["billing", "vip"], VIP),  # the administrator's order decides
        (1, ["other"], CHANNEL_DEFAULT),
        (2, [], None),  # no policy for the channel: no clocks
        (2, ["vip"], BILLING),
        (3, ["vip"], None),
    ],
)
def test_a_label_policy_wins_over_the_channels(
    channel_id: int, labels: list[str], policy: Policy | None
) -> None:
    assert policy_for(RULES, channel_id=channel_id, labels=labels) is policy
