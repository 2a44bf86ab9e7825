"""SLA targets as administrators write them, and clocks as pages say them (domain/sla_text.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.sla import Clock, Reading, Status, Target
from agent_workspace.domain.sla_text import describe, parse_target, target_text

M = timedelta(minutes=1)
H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15m", 15 * M),
        ("15", 15 * M),
        (" 90 ", 90 * M),
        ("4h", 4 * H),
        ("4 h", 4 * H),
        ("1d", 24 * H),
        ("1h30m", 90 * M),
        ("1h 30m", 90 * M),
        ("2d 4h", 52 * H),
        ("45 min", 45 * M),
        ("2 hours", 2 * H),
        ("1 day", 24 * H),
        ("3H", 3 * H),
        ("", None),
        ("   ", None),
    ],
)
def test_a_target_is_minutes_or_amounts_with_units(text: str, expected: timedelta | None) -> None:
    assert parse_target(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("soon", "Write the target as minutes or with units"),
        ("4x", "Write the target as minutes or with units"),
        ("1.5h", "Write the target as minutes or with units"),
        ("h4", "Write the target as minutes or with units"),
        ("0", "at least 1 minute"),
        ("0h", "at least 1 minute"),
        ("400d", "at most 365 days"),
        ("-5m", "Write the target as minutes or with units"),
        ("4h 4h", "names hours twice"),
    ],
)
def test_a_target_that_is_no_duration_says_how_to_write_one(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_target(text)


@pytest.mark.parametrize(
    ("target", "text"),
    [
        (15 * M, "15m"),
        (4 * H, "4h"),
        (90 * M, "1h 30m"),
        (24 * H, "1d"),
        (52 * H, "2d 4h"),
        (24 * H + M, "1d 1m"),
    ],
)
def test_a_target_is_written_back_as_it_reads(target: timedelta, text: str) -> None:
    assert target_text(target) == text
    assert parse_target(text) == target


AT = datetime(2026, 3, 9, 14, tzinfo=UTC)


def _reading(kind: Target, left: timedelta, status: Status) -> Reading:
    return Reading(Clock(kind, AT, AT, AT + H, None), left, status)


@pytest.mark.parametrize(
    ("kind", "left", "status", "text"),
    [
        (Target.FIRST_RESPONSE, 12 * M, Status.OK, "First response 12m left"),
        # Seconds round up while time is left: "0m left" would read as overdue.
        (
            Target.FIRST_RESPONSE,
            11 * M + timedelta(seconds=1),
            Status.OK,
            "First response 12m left",
        ),
        (Target.NEXT_RESPONSE, 3 * M, Status.AMBER, "Next response 3m left, due soon"),
        (
            Target.NEXT_RESPONSE,
            timedelta(seconds=20),
            Status.AMBER,
            "Next response 1m left, due soon",
        ),
        (Target.NEXT_RESPONSE, -5 * M, Status.RED, "Next response 5m overdue"),
        (Target.RESOLUTION, -timedelta(seconds=10), Status.RED, "Resolution 1m overdue"),
        (Target.RESOLUTION, 26 * H + 5 * M, Status.OK, "Resolution 1d 2h left"),
        (Target.RESOLUTION, 2 * H + 5 * M, Status.OK, "Resolution 2h 05m left"),
        (Target.FIRST_RESPONSE, timedelta(0), Status.AMBER, "First response due now"),
        # Past due at night: no open time has passed since, but it is overdue all the same.
        (Target.FIRST_RESPONSE, timedelta(0), Status.RED, "First response 1m overdue"),
    ],
)
def test_a_clock_says_its_time_left_in_words(
    kind: Target, left: timedelta, status: Status, text: str
) -> None:
    assert describe(_reading(kind, left, status)) == text
