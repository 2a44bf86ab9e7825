"""Business hours: when a channel's desk is open, and business time between two moments.

A channel keeps a calendar (administration): opening hours for each weekday in its IANA time
zone, possibly split (09:00-12:00 and 13:00-17:00), and holidays on which it stays closed. SLA
clocks (domain/sla.py) count only open time: a consumer's text at 22:00 starts the clock at the
next opening, and a four-hour target set at 16:00 on Friday falls due at 12:00 on Monday.

Hours are wall-clock times in the calendar's zone, so a desk open 09:00-17:00 opens at 09:00
local on both sides of a daylight-saving change. A wall time the clocks skip (02:30 on the
spring-forward night) stands for the moment the clocks jump to (03:00); a wall time that occurs
twice (01:30 on the fall-back night) stands for its first occurrence. Arithmetic steps a day at
a time over open spans (a year is ~365 steps), never minute by minute. The administrator's text
form is read by domain/business_hours_text.py.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_MINUTES = 24 * 60
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True, order=True)
class Span:
    """Open hours within one day, in minutes after local midnight: [start, end).

    `end` may be 1440 (24:00, the next midnight); hours that pass midnight are two spans.
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= DAY_MINUTES:
            raise ValueError(f"a span runs forwards within one day, not {self.text()}")

    @classmethod
    def of(cls, start: time, end: time | None) -> Span:
        """From clock times; an `end` of None is 24:00."""
        close = DAY_MINUTES if end is None else end.hour * 60 + end.minute
        return cls(start.hour * 60 + start.minute, close)

    def text(self) -> str:
        return f"{_clock(self.start)}-{_clock(self.end)}"


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


Day = tuple[Span, ...]
"""One weekday's spans, sorted, not overlapping; () is closed."""


@dataclass(frozen=True)
class Calendar:
    """A channel's opening hours.

    Attributes:
        zone: IANA time zone the hours are read in, e.g. "America/New_York".
        week: Seven days, Monday first, each a sorted tuple of non-overlapping spans.
        holidays: Local dates on which the desk stays closed all day.
    """

    zone: str
    week: tuple[Day, ...]
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("a calendar names all seven weekdays")
        if problems := overlaps(self.week):
            raise ValueError(problems[0])
        if not any(self.week):
            raise ValueError("the hours open on no day; a calendar needs at least one opening")
        try:  # an unknown zone fails here, not at the first question
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{self.zone!r} is not a time zone") from None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def spans_on(self, day: date) -> Day:
        """The spans open on the local date `day` (none on a holiday)."""
        return () if day in self.holidays else self.week[day.weekday()]


def overlaps(week: tuple[Day, ...]) -> list[str]:
    """Each day whose spans overlap, in words; spans must be sorted by start."""
    return [
        f"{name} has overlapping hours: {before.text()} and {after.text()}; give each hour once."
        for name, spans in zip(DAY_NAMES, week, strict=True)
        for before, after in pairwise(spans)
        if after.start < before.end
    ]


def local_instant(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    """The UTC moment at which the wall clock in `tz` reads `minutes` after midnight on `day`.

    1440 is the next midnight. A wall time skipped by a daylight-saving jump is the moment of
    the jump; a wall time that occurs twice is its first occurrence.
    """
    day, minutes = day + timedelta(days=minutes // DAY_MINUTES), minutes % DAY_MINUTES
    wall = datetime.combine(day, time(minutes // 60, minutes % 60))
    first = wall.replace(tzinfo=tz).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    return _jump(wall.replace(tzinfo=tz, fold=1).astimezone(UTC), first, tz)


def _jump(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The first moment in (before, after] at the offset `after` has: when the clocks jumped.

    Zones change offset on a whole second; bisecting a gap of an hour takes 12 steps.
    """
    offset = after.astimezone(tz).utcoffset()
    while after - before > timedelta(seconds=1):
        middle = before + (after - before) // 2
        if middle.astimezone(tz).utcoffset() == offset:
            after = middle
        else:
            before = middle
    return after


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("a naive datetime has no moment to place in business hours")
    return moment.astimezone(UTC)


def open_intervals(calendar: Calendar, start: datetime) -> Iterator[tuple[datetime, datetime]]:
    """Open intervals (UTC, [opens, closes)) from the local day of `start` on, in order, for
    ever; an interval may end before `start`. Empty intervals (a span inside a skipped hour)
    are left out."""
    tz = calendar.tz
    day = _aware(start).astimezone(tz).date()
    while True:
        for span in calendar.spans_on(day):
            opens = local_instant(day, span.start, tz)
            closes = local_instant(day, span.end, tz)
            if opens < closes:
                yield opens, closes
        day += timedelta(days=1)


def _intervals_from(calendar: Calendar, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
    """The open intervals that end after `moment`, clipped to start no earlier than it."""
    moment = _aware(moment)
    for opens, closes in open_intervals(calendar, moment):
        if closes > moment:
            yield max(opens, moment), closes


def is_open(calendar: Calendar, moment: datetime) -> bool:
    """Whether the desk is open at `moment`."""
    return next_open(calendar, moment) == _aware(moment)


def next_open(calendar: Calendar, moment: datetime) -> datetime:
    """`moment` itself when open, else the next opening (UTC).

    A calendar opens on at least one weekday and has finitely many holidays, so an opening
    always comes.
    """
    opens, _ = next(_intervals_from(calendar, moment))
    return opens


def business_elapsed(calendar: Calendar, start: datetime, end: datetime) -> timedelta:
    """Open time between `start` and `end`; zero when `end` is not after `start`."""
    start, end = _aware(start), _aware(end)
    total = timedelta(0)
    for opens, closes in _intervals_from(calendar, start):
        if opens >= end:
            break
        total += min(closes, end) - opens
    return total


def add_business_time(calendar: Calendar, start: datetime, duration: timedelta) -> datetime:
    """When `duration` of open time has passed since `start` (UTC).

    The clock starts at the next opening when `start` is outside hours; a deadline that falls
    exactly on a closing is that closing, not the next opening. A zero duration is the next
    opening.
    """
    if duration < timedelta(0):
        raise ValueError("business time is added forwards only")
    left = duration
    for opens, closes in _intervals_from(calendar, start):
        if closes - opens >= left:
            return opens + left
        left -= closes - opens
    raise AssertionError("unreachable: open intervals never run out")  # pragma: no cover
