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
