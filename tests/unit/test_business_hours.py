"""Business hours: open or not, the next opening, and business time (domain/business_hours.py).

America/New_York springs forward on Sunday 2026-03-08 (02:00 EST -> 03:00 EDT) and falls back
on Sunday 2026-11-01 (02:00 EDT -> 01:00 EST). 2026-12-25 is a Friday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from agent_workspace.domain.business_hours import (
    Calendar,
    Span,
    add_business_time,
    business_elapsed,
    is_open,
    local_instant,
    next_open,
)
from agent_workspace.domain.business_hours_text import parse_hours

NY = ZoneInfo("America/New_York")
CHRISTMAS = date(2026, 12, 25)
DESK = Calendar(
    "America/New_York", parse_hours("Mon-Fri 09:00-12:00, 13:00-17:00"), frozenset({CHRISTMAS})
)
"""Open 7 hours a weekday, lunch closed, closed at Christmas."""
NIGHT = Calendar("America/New_York", parse_hours("Sun 00:00-04:00"))
"""Open over the hours the clocks change."""


def utc(month: int, day: int, hour: int = 0, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "minutes", "moment"),
    [
        (date(2026, 3, 8), 1 * 60 + 59, utc(3, 8, 6, 59)),  # 01:59 EST
        (date(2026, 3, 8), 2 * 60 + 30, utc(3, 8, 7)),  # skipped: the jump, 03:00 EDT
        (date(2026, 3, 8), 2 * 60, utc(3, 8, 7)),
        (date(2026, 3, 8), 3 * 60, utc(3, 8, 7)),  # 03:00 EDT
        (date(2026, 11, 1), 1 * 60 + 30, utc(11, 1, 5, 30)),  # twice: the first, EDT
        (date(2026, 11, 1), 2 * 60, utc(11, 1, 7)),  # 02:00 EST
        (date(2026, 3, 7), 24 * 60, utc(3, 8, 5)),  # 24:00 is the next midnight
    ],
)
def test_a_wall_time_is_one_moment_even_when_the_clocks_change(
    day: date, minutes: int, moment: datetime
) -> None:
    assert local_instant(day, minutes, NY) == moment


@pytest.mark.parametrize(
    ("moment", "open_"),
    [
        (utc(3, 6, 14), True),  # Friday 09:00 EST
        (utc(3, 6, 13, 59), False),  # Friday 08:59 EST
        (utc(3, 9, 13), True),  # Monday 09:00 EDT, after the change
        (utc(3, 9, 16, 30), False),  # Monday 12:30 EDT: lunch
        (utc(3, 9, 20, 59), True),
        (utc(3, 9, 21), False),  # 17:00 EDT: closing is not open
        (utc(3, 7, 15), False),  # Saturday
        (utc(12, 25, 15), False),  # Friday 10:00 EST, Christmas
        (utc(12, 24, 15), True),
        (datetime(2026, 3, 9, 9, tzinfo=NY), True),  # any zone may ask
    ],
)
def test_the_desk_is_open_in_its_hours_in_its_zone(moment: datetime, open_: bool) -> None:
    assert is_open(DESK, moment) is open_


@pytest.mark.parametrize(
    ("calendar", "moment", "opens"),
    [
        (DESK, utc(3, 9, 13, 30), utc(3, 9, 13, 30)),  # open: now
        (DESK, utc(3, 6, 22), utc(3, 9, 13)),  # Friday 17:00 EST -> Monday 09:00 EDT
        (DESK, utc(10, 30, 21), utc(11, 2, 14)),  # Friday 17:00 EDT -> Monday 09:00 EST
        (DESK, utc(3, 9, 16, 30), utc(3, 9, 17)),  # lunch -> 13:00 EDT
        (DESK, utc(12, 24, 22, 30), utc(12, 28, 14)),  # past Christmas and the weekend
        (DESK, utc(3, 9, 3), utc(3, 9, 13)),  # Sunday night (local) -> Monday
        (NIGHT, utc(3, 7, 12), utc(3, 8, 5)),  # Saturday -> Sunday 00:00 EST
        (NIGHT, utc(3, 8, 9), utc(3, 15, 4)),  # after: next Sunday 00:00 EDT
    ],
)
def test_the_next_opening_skips_evenings_weekends_and_holidays(
    calendar: Calendar, moment: datetime, opens: datetime
) -> None:
    assert next_open(calendar, moment) == opens


@pytest.mark.parametrize(
    ("calendar", "start", "end", "elapsed"),
    [
        (DESK, utc(3, 9, 15), utc(3, 9, 18), timedelta(hours=2)),  # 11:00-14:00, lunch out
        (DESK, utc(3, 6, 20), utc(3, 9, 14), timedelta(hours=3)),  # Fri 15:00 EST-Mon 10:00 EDT
        (DESK, utc(10, 30, 20), utc(11, 2, 15), timedelta(hours=2)),  # Fri EDT-Mon EST
        (DESK, utc(12, 24, 21), utc(12, 28, 15), timedelta(hours=2)),  # Christmas closed
        (DESK, utc(3, 7, 1), utc(3, 7, 23), timedelta(0)),  # all in a Saturday
        (DESK, utc(3, 9, 18), utc(3, 9, 15), timedelta(0)),  # end before start
        (DESK, utc(3, 9, 15), utc(3, 9, 15), timedelta(0)),
        (DESK, utc(1, 1, 5), utc(1, 1, 5, year=2027), timedelta(hours=260 * 7)),  # a year
        (NIGHT, utc(3, 8, 5), utc(3, 8, 9), timedelta(hours=3)),  # 00:00-04:00, short night
        (NIGHT, utc(11, 1, 4), utc(11, 1, 10), timedelta(hours=5)),  # 00:00-04:00, long night
    ],
)
def test_business_time_counts_only_open_hours(
    calendar: Calendar, start: datetime, end: datetime, elapsed: timedelta
) -> None:
    assert business_elapsed(calendar, start, end) == elapsed


@pytest.mark.parametrize(
    ("calendar", "start", "duration", "due"),
    [
        (DESK, utc(3, 6, 20), timedelta(hours=4), utc(3, 9, 15)),  # Fri 15:00 -> Mon 11:00 EDT
        (DESK, utc(3, 7, 12), timedelta(hours=1), utc(3, 9, 14)),  # Saturday: from Monday
        (DESK, utc(3, 7, 12), timedelta(0), utc(3, 9, 13)),  # nothing: the opening
        (DESK, utc(3, 9, 20), timedelta(hours=1), utc(3, 9, 21)),  # due at closing, not after
        (DESK, utc(3, 9, 15, 30), timedelta(hours=1), utc(3, 9, 17, 30)),  # over lunch
        (DESK, utc(12, 24, 21), timedelta(hours=2), utc(12, 28, 15)),  # over Christmas
        (DESK, utc(10, 30, 20), timedelta(hours=2), utc(11, 2, 15)),  # into standard time
        (DESK, utc(1, 1, 5), timedelta(hours=260 * 7), utc(12, 31, 22)),  # a year's hours
        (NIGHT, utc(3, 8, 5), timedelta(hours=3), utc(3, 8, 8)),  # the short night's end
        (NIGHT, utc(3, 8, 5), timedelta(hours=3, minutes=30), utc(3, 15, 4, 30)),
        (NIGHT, utc(11, 1, 4), timedelta(hours=4, minutes=30), utc(11, 1, 8, 30)),
    ],
)
def test_a_deadline_lands_after_that_much_open_time(
    calendar: Calendar, start: datetime, duration: timedelta, due: datetime
) -> None:
    assert add_business_time(calendar, start, duration) == due
    assert business_elapsed(calendar, start, due) == duration


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        is_open(DESK, datetime(2026, 3, 9, 10))


def test_business_time_is_added_forwards_only() -> None:
    with pytest.raises(ValueError, match="forwards"):
        add_business_time(DESK, utc(3, 9, 15), timedelta(minutes=-1))


@pytest.mark.parametrize(
    ("zone", "week", "words"),
    [
        ("America/New_York", ((),) * 7, "open on no day"),
        ("America/NewYork", parse_hours("Mon 09:00-17:00"), "not a time zone"),
        ("../../etc/passwd", parse_hours("Mon 09:00-17:00"), "not a time zone"),
        ("UTC", ((),) * 6, "seven weekdays"),
        ("UTC", ((Span(540, 720), Span(600, 780)),) + ((),) * 6, "Mon has overlapping"),
    ],
)
def test_a_calendar_that_cannot_work_is_refused(
    zone: str, week: tuple[tuple[Span, ...], ...], words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        Calendar(zone, week)


@pytest.mark.parametrize(("start", "end"), [(600, 600), (700, 600), (-1, 60), (0, 1441)])
def test_a_span_runs_forwards_within_a_day(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="forwards"):
        Span(start, end)


ODD = Calendar(
    "Europe/London", parse_hours("Mon-Sun 00:00-01:30, 22:00-24:00"), frozenset({date(2026, 3, 30)})
)
"""Open across midnight and over London's changes (01:00 on 2026-03-29 and 2026-10-25)."""


@pytest.mark.parametrize("calendar", [DESK, NIGHT, ODD], ids=["desk", "night", "odd"])
@pytest.mark.parametrize("first", [utc(3, 6, 12), utc(3, 27, 12), utc(10, 23, 12), utc(10, 30, 12)])
def test_business_time_agrees_with_counting_minute_by_minute(
    calendar: Calendar, first: datetime
) -> None:
    minutes = [first + timedelta(minutes=i) for i in range(4 * 24 * 60)]
    open_ = [is_open(calendar, minute) for minute in minutes]
    for i, j in [(0, 5759), (7, 3001), (1500, 4000), (2200, 2900), (3100, 5700), (600, 601)]:
        counted = timedelta(minutes=sum(open_[i:j]))
        assert business_elapsed(calendar, minutes[i], minutes[j]) == counted
        opened = [k for k in range(i, j) if open_[k]]
        if opened:  # due at the end of the last open minute; the clock starts at the first
            due = minutes[opened[-1]] + timedelta(minutes=1)
            assert add_business_time(calendar, minutes[i], counted) == due
            assert next_open(calendar, minutes[i]) == minutes[opened[0]]
