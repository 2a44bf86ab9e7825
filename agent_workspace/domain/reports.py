"""What a report asks for and how it is written out: the period (days or weeks of the desk's
calendar, in its time zone), the grouping, the tables' shape and their CSV.

The figures themselves are defined once, in SQL (services/reports/figures.py), and agree with
domain/figures.py; this module holds the plain rules around them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from agent_workspace.domain.times import known_zone

MAX_DAYS = 366  # a report reads at most a year: the page stays one read, the CSV one file
DEFAULT_DAYS = 7
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class Grain(StrEnum):
    DAY = "day"
    WEEK = "week"  # Monday to Sunday, named by its Monday


class GroupBy(StrEnum):
    DESK = "desk"  # the whole desk: one row per period
    AGENT = "agent"  # the interaction's assigned agent (or the virtual agent, or no one)
    LABEL = "label"  # each label the interaction carries (one with two counts in both)
    NUMBER = "number"  # our provider number the conversation or message went through


GROUP_TITLES = {
    GroupBy.DESK: "Whole desk",
    GroupBy.AGENT: "Agent",
    GroupBy.LABEL: "Label",
    GroupBy.NUMBER: "Provider number",
}
ALL = "All"
NO_AGENT = "Unassigned"
VIRTUAL_AGENT = "Virtual agent"
NO_LABEL = "No label"


@dataclass(frozen=True)
class Period:
    """Local dates `first` to `last` (both included) in `zone`, counted per `grain`."""

    first: date
    last: date
    grain: Grain
    zone: str

    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants [start, end) of the period: local midnights in its zone."""
        tz = ZoneInfo(self.zone)
        start = datetime.combine(self.first, time(), tz)
        end = datetime.combine(self.last + timedelta(days=1), time(), tz)
        return start.astimezone(UTC), end.astimezone(UTC)


def default_period(today: date, zone: str) -> Period:
    """The last seven days, today included, per day."""
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today, Grain.DAY, zone)


def read_period(first: str, last: str, grain: str, zone: str) -> tuple[Period | None, str]:
    """The period a supervisor typed (ISO dates), or None and why not, in words."""
    if known_zone(zone) != zone:  # the IANA names both Python and PostgreSQL know
        return None, f"{zone!r} is not a time zone (for example Europe/Berlin or UTC)."
    if grain not in Grain.__members__.values():
        return None, "Count per day or per week."
    try:
        start, end = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError:
        return None, "Give the dates as YYYY-MM-DD."
    if end < start:
        return None, "The period ends before it starts."
    if (end - start).days + 1 > MAX_DAYS:
        return None, f"A report covers at most {MAX_DAYS} days."
    return Period(start, end, Grain(grain), zone), ""


def bucket_of(moment: datetime, zone: str, grain: Grain | str) -> str:
    """The period a moment is counted in: its local date, or its week's Monday (ISO text)."""
    local = moment.astimezone(ZoneInfo(zone)).date()
    if grain == Grain.WEEK:
        local -= timedelta(days=local.weekday())
    return local.isoformat()


def period_starts(
    start: datetime, end: datetime, zone: str, grain: Grain | str
) -> tuple[tuple[datetime, str], ...]:
    """The UTC instants the periods counted in [start, end) begin at (local midnights, each
    week's on its Monday), with their names: a moment's `bucket_of` is the name of the last
    one begun at or before it. Lets SQL place a moment by comparing instants, not by turning
    each into local time (services/reports/sql.py)."""
    tz = ZoneInfo(zone)
    day = date.fromisoformat(bucket_of(start, zone, grain))
    step = timedelta(days=7 if grain == Grain.WEEK else 1)
    found = []
    while (at := datetime.combine(day, time(), tz).astimezone(UTC)) < end:
        found.append((at, day.isoformat()))
        day += step
    return tuple(found)


def hour_starts(start: datetime, end: datetime, zone: str) -> tuple[tuple[datetime, int, int], ...]:
    """The UTC instants the local hours of [start, end) begin at, with their local weekday (0
    Monday) and hour; in order. A day that sets the clock back has its repeated hour twice,
    one that sets it forward lacks the skipped one."""
    tz = ZoneInfo(zone)
    day, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    found: set[datetime] = set()
    while day <= last:
        for hour in range(24):
            for fold in (0, 1):
                at = datetime.combine(day, time(hour, fold=fold), tz).astimezone(UTC)
                if at < end:
                    found.add(at)
        day += timedelta(days=1)
    return tuple((at, (local := at.astimezone(tz)).weekday(), local.hour) for at in sorted(found))


def duration_text(seconds: float | None) -> str:
    """A duration as a supervisor reads it: 45 s, 12 min 5 s, 3 h 04 min, 2 d 3 h."""
    if seconds is None:
        return "—"
    whole = round(seconds)
    days, rest = divmod(whole, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {secs} s"
    return f"{secs} s"


Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """One figure as rows: what the page shows and the CSV holds."""

    key: str  # names its CSV file
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def to_csv(table: Table) -> str:
    """The table as CSV (RFC 4180, a header row); None is an empty cell, a share 1 decimal."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow(
            ["" if v is None else round(v, 1) if isinstance(v, float) else v for v in row]
        )
    return out.getvalue()


def csv_name(table: Table, period: Period, group: GroupBy) -> str:
    """e.g. report-conversations-by-agent-2026-12-01-to-2026-12-07.csv"""
    by = "" if group == GroupBy.DESK else f"-by-{group.value}"
    return f"report-{table.key}{by}-{period.first}-to-{period.last}.csv"
