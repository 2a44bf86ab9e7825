"""Report figures over plain values, each defined once: the reports' SQL must agree with these.

- Percentiles are nearest-rank: the p-th percentile of n sorted values is the value at rank
  ceil(p * n / 100) (1-based), always one of the values, never an interpolation. This is
  PostgreSQL's `percentile_disc(p / 100.0) WITHIN GROUP (ORDER BY v)`. The median is the 50th
  (the lower middle of an even count), p90 the 90th.
- Shares are percentages of a whole, None when the whole is zero (nothing to measure is no 0 %).
- SLA % met counts the decided targets only (met or missed); one still running in time is not
  yet either.
- Opt-out rate is opt-outs per consumer reached, as a percentage.
- The heatmap counts moments by weekday (Monday first) and hour in the desk's time zone: the
  hour the clocks skip stays empty that day, the hour they repeat counts both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

T = TypeVar("T", int, float, timedelta)

Heatmap = tuple[tuple[int, ...], ...]
"""Seven rows (Monday first) of 24 counts (hour 0 first)."""


def percentile(values: Sequence[T], p: int) -> T | None:
    """The nearest-rank p-th percentile (1 <= p <= 100); None for no values."""
    if not 1 <= p <= 100:
        raise ValueError("a percentile is from 1 to 100")
    if not values:
        return None
    rank = -(-p * len(values) // 100)  # ceil without floating point
    return sorted(values)[rank - 1]


def median(values: Sequence[T]) -> T | None:
    """The nearest-rank median: the lower middle value of an even count."""
    return percentile(values, 50)


def p90(values: Sequence[T]) -> T | None:
    return percentile(values, 90)


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`; None when the whole is zero."""
    if part < 0 or whole < 0 or part > whole:
        raise ValueError("a share is a part of a whole, both counted from zero")
    return None if whole == 0 else 100 * part / whole


def sla_met_percent(outcomes: Iterable[bool | None]) -> float | None:
    """Percentage of decided SLA targets met (domain/sla.met's answers); None if none decided."""
    decided = [outcome for outcome in outcomes if outcome is not None]
    return share(sum(decided), len(decided))


def opt_out_rate(opted_out: int, reached: int) -> float | None:
    """Opt-outs per consumer reached, as a percentage; None when nobody was reached."""
    return share(opted_out, reached)


def heatmap(moments: Iterable[datetime], zone: str) -> Heatmap:
    """Counts of `moments` by local weekday and hour in `zone`."""
    tz = ZoneInfo(zone)
    counts = [[0] * 24 for _ in range(7)]
    for moment in moments:
        if moment.tzinfo is None:
            raise ValueError("a naive datetime has no hour in the desk's zone")
        local = moment.astimezone(tz)
        counts[local.weekday()][local.hour] += 1
    return tuple(tuple(row) for row in counts)
