"""Report figures computed by hand (domain/figures.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.figures import (
    heatmap,
    median,
    opt_out_rate,
    p90,
    percentile,
    share,
    sla_met_percent,
)


@pytest.mark.parametrize(
    ("values", "middle", "ninetieth"),
    [
        ([], None, None),
        ([7], 7, 7),
        ([3, 1], 1, 3),  # even count: the lower middle
        ([5, 1, 3], 3, 5),
        ([4, 1, 3, 2], 2, 4),
        (list(range(1, 11)), 5, 9),  # rank ceil(0.9 * 10) = 9
        (list(range(1, 21)), 10, 18),
        (list(range(1, 12)), 6, 10),  # rank ceil(0.9 * 11) = 10
        ([2.5, 0.5, 1.5], 1.5, 2.5),
        ([10, 10, 10, 1], 10, 10),
    ],
)
def test_median_and_p90_are_nearest_rank(
    values: list[float], middle: float | None, ninetieth: float | None
) -> None:
    assert (median(values), p90(values)) == (middle, ninetieth)


def test_durations_have_percentiles_too() -> None:
    waits = [timedelta(minutes=m) for m in (30, 5, 12, 60)]
    assert median(waits) == timedelta(minutes=12)
    assert p90(waits) == timedelta(minutes=60)


@pytest.mark.parametrize(("p", "value"), [(1, 1), (25, 1), (26, 2), (75, 3), (100, 4)])
def test_a_percentile_is_always_one_of_the_values(p: int, value: int) -> None:
    assert percentile([4, 3, 2, 1], p) == value


@pytest.mark.parametrize("p", [0, 101, -5])
def test_a_percentile_is_from_1_to_100(p: int) -> None:
    with pytest.raises(ValueError, match="1 to 100"):
        percentile([1], p)


@pytest.mark.parametrize(
    ("outcomes", "percent"),
    [
        ([], None),
        ([None, None], None),  # nothing decided yet
        ([True, True, False, True], 75.0),
        ([True, None, False], 50.0),  # the running one is not counted
        ([False], 0.0),
        ([True], 100.0),
    ],
)
def test_sla_percent_met_counts_decided_targets(
    outcomes: list[bool | None], percent: float | None
) -> None:
    assert sla_met_percent(outcomes) == percent


@pytest.mark.parametrize(
    ("opted_out", "reached", "rate"),
    [(0, 0, None), (0, 40, 0.0), (3, 200, 1.5), (1, 3, 100 / 3)],
)
def test_the_opt_out_rate_is_per_consumer_reached(
    opted_out: int, reached: int, rate: float | None
) -> None:
    assert opt_out_rate(opted_out, reached) == rate


@pytest.mark.parametrize(("part", "whole"), [(-1, 3), (4, 3), (0, -1)])
def test_a_share_is_a_part_of_a_whole(part: int, whole: int) -> None:
    with pytest.raises(ValueError, match="part of a whole"):
        share(part, whole)


def utc(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def test_an_empty_heatmap_is_seven_days_of_24_zeros() -> None:
    assert heatmap([], "America/New_York") == ((0,) * 24,) * 7


def test_the_heatmap_counts_by_local_weekday_and_hour() -> None:
    grid = heatmap(
        [
            utc(3, 9, 13, 5),  # Monday 09:05 EDT
            utc(3, 9, 13, 55),  # Monday 09:55 EDT
            utc(3, 10, 3, 30),  # Monday 23:30 EDT (Tuesday in UTC)
            utc(3, 6, 14),  # Friday 09:00 EST: the same wall hour in winter
        ],
        "America/New_York",
    )
    assert grid[0][9] == 2 and grid[0][23] == 1 and grid[4][9] == 1
    assert sum(map(sum, grid)) == 4


def test_the_heatmap_follows_the_clock_changes() -> None:
    every_quarter = [utc(3, 8, 5) + timedelta(minutes=15 * i) for i in range(16)]  # 4 h
    spring = heatmap(every_quarter, "America/New_York")  # 00:00 EST to 05:00 EDT, Sunday
    assert spring[6][:5] == (4, 4, 0, 4, 4)  # 02:00 never happens
    every_quarter = [utc(11, 1, 4) + timedelta(minutes=15 * i) for i in range(16)]
    fall = heatmap(every_quarter, "America/New_York")  # 00:00 EDT to 03:00 EST, Sunday
    assert fall[6][:3] == (4, 8, 4)  # 01:00 happens twice


def test_a_naive_moment_has_no_place_on_the_heatmap() -> None:
    with pytest.raises(ValueError, match="naive"):
        heatmap([datetime(2026, 3, 9, 9)], "UTC")
