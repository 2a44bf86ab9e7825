"""The report's plain rules: the period a supervisor types, the day or week a moment counts in
(in the desk's zone), durations in words and the CSV."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from agent_workspace.domain.reports import (
    Grain,
    Period,
    Table,
    bucket_of,
    default_period,
    duration_text,
    hour_starts,
    period_starts,
    read_period,
    to_csv,
)

NY = "America/New_York"


@pytest.mark.parametrize(
    ("first", "last", "grain", "zone", "problem"),
    [
        ("2026-12-01", "2026-12-07", "day", NY, ""),
        ("2026-12-01", "2026-12-07", "week", "UTC", ""),
        ("2026-12-01", "2026-12-07", "day", "Mars/Olympus", "'Mars/Olympus' is not a time zone"),
        ("2026-12-01", "2026-12-07", "day", "../../etc/passwd", "is not a time zone"),
        ("2026-12-01", "2026-12-07", "month", NY, "Count per day or per week."),
        ("12/01/2026", "2026-12-07", "day", NY, "Give the dates as YYYY-MM-DD."),
        ("2026-12-07", "2026-12-01", "day", NY, "The period ends before it starts."),
        ("2025-01-01", "2026-12-31", "day", NY, "A report covers at most 366 days."),
    ],
)
def test_a_typed_period_is_read_or_refused_in_words(
    first: str, last: str, grain: str, zone: str, problem: str
) -> None:
    period, why = read_period(first, last, grain, zone)
    assert problem in why and (period is None) == bool(problem)


def test_the_period_runs_from_local_midnight_to_local_midnight() -> None:
    period = Period(date(2026, 12, 1), date(2026, 12, 7), Grain.DAY, NY)
    assert period.bounds() == (
        datetime(2026, 12, 1, 5, tzinfo=UTC),
        datetime(2026, 12, 8, 5, tzinfo=UTC),
    )
    assert default_period(date(2026, 12, 7), NY) == period


@pytest.mark.parametrize(
    ("moment", "grain", "bucket"),
    [
        (datetime(2026, 12, 2, 4, 30, tzinfo=UTC), Grain.DAY, "2026-12-01"),  # 23:30 in NY
        (datetime(2026, 12, 2, 5, 0, tzinfo=UTC), Grain.DAY, "2026-12-02"),
        (datetime(2026, 12, 6, 23, 0, tzinfo=UTC), Grain.WEEK, "2026-11-30"),  # Sunday
        (datetime(2026, 12, 7, 3, 0, tzinfo=UTC), Grain.WEEK, "2026-11-30"),  # Monday in UTC
        (datetime(2026, 3, 8, 7, 30, tzinfo=UTC), Grain.DAY, "2026-03-08"),  # clocks go forward
    ],
)
def test_a_moment_counts_in_its_local_day_or_week(
    moment: datetime, grain: Grain, bucket: str
) -> None:
    assert bucket_of(moment, NY, grain) == bucket


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(None, "—"), (45, "45 s"), (600, "10 min 0 s"), (3840, "1 h 04 min"), (183_600, "2 d 3 h")],
)
def test_durations_read_as_words(seconds: int | None, text: str) -> None:
    assert duration_text(seconds) == text


def test_the_csv_has_a_header_empty_cells_for_none_and_quotes_commas() -> None:
    table = Table("t", "T", ("Period", "Agent", "Rate"), (("2026-12-01", "Lee, Ann", None),))
    assert to_csv(table) == 'Period,Agent,Rate\r\n2026-12-01,"Lee, Ann",\r\n'


@pytest.mark.parametrize(
    ("first", "last", "hours", "sunday_hours"),
    [
        (date(2025, 11, 1), date(2025, 11, 3), 73, [0, 1, 1, *range(2, 24)]),  # clocks back
        (date(2026, 3, 7), date(2026, 3, 9), 71, [0, 1, *range(3, 24)]),  # clocks forward
        (date(2026, 12, 1), date(2026, 12, 1), 24, []),
    ],
)
def test_local_hours_begin_where_the_zone_says(
    first: date, last: date, hours: int, sunday_hours: list[int]
) -> None:
    start, end = Period(first, last, Grain.DAY, NY).bounds()
    found = hour_starts(start, end, NY)
    assert len(found) == hours
    assert [hour for _, day, hour in found if day == 6] == sunday_hours
    assert all(bucket_of(at, NY, Grain.DAY) <= last.isoformat() for at, _, _ in found)


def test_periods_begin_at_local_midnights_named_as_bucket_of_names_them() -> None:
    start, end = Period(date(2025, 10, 3), date(2025, 10, 20), Grain.WEEK, NY).bounds()
    found = period_starts(start, end, NY, Grain.WEEK)
    assert [name for _, name in found] == ["2025-09-29", "2025-10-06", "2025-10-13", "2025-10-20"]
    assert found[0][0] == datetime(2025, 9, 29, 4, tzinfo=UTC)  # midnight in New York (EDT)
    for at, name in found:
        assert bucket_of(at, NY, Grain.WEEK) == name
