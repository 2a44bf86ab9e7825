"""Times as an agent reads them: in the agent's time zone (the browser's, learnt per tab), with
the zone said, and UTC when the zone is unknown. Exports use ISO 8601 with the offset."""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

FALLBACK = "UTC"
_NAME_CHARS = 64  # the longest IANA names are about 30 characters


def known_zone(name: str) -> str:
    """The IANA zone `name` if it is one (a browser sends it: it is input), else UTC."""
    name = (name or "").strip()
    if not name or len(name) > _NAME_CHARS or name not in _zones():
        return FALLBACK
    return name


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(available_timezones() | {FALLBACK})


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(known_zone(name))
    except ZoneInfoNotFoundError:  # pragma: no cover - a zone listed but not loadable
        return ZoneInfo(FALLBACK)


def _abbreviation(local: datetime) -> str:
    """E.g. "EST", "JST"; zones without a letter abbreviation ("+04") read as "UTC+04:00"."""
    short = local.strftime("%Z")
    return short if short.isalpha() else f"UTC{_offset(local)}"


def _offset(local: datetime) -> str:
    text = local.strftime("%z") or "+0000"
    return f"{text[:3]}:{text[3:5]}"


def local_text(at: datetime, zone: str, *, seconds: bool = False) -> str:
    """E.g. "2025-01-15 09:30 EST": the moment in the agent's zone, the zone said."""
    if at.tzinfo is None:
        raise ValueError("a naive datetime has no moment to show")
    local = at.astimezone(_zone(zone))
    shape = "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
    return f"{local.strftime(shape)} {_abbreviation(local)}"


def iso_local(at: datetime, zone: str) -> str:
    """ISO 8601 with the offset of the agent's zone, e.g. "2025-01-15T09:30:00-05:00"."""
    if at.tzinfo is None:
        raise ValueError("a naive datetime has no moment to show")
    return at.astimezone(_zone(zone)).isoformat(timespec="seconds")


def zone_label(zone: str, at: datetime | None = None) -> str:
    """What the screen says of the zone it shows times in, e.g. "America/New_York (EST,
    UTC-05:00)"; the abbreviation and offset are those in force at `at` (now by default)."""
    local = (at or datetime.now(UTC)).astimezone(_zone(zone))
    name = known_zone(zone)
    short = _abbreviation(local)
    offset = f"UTC{_offset(local)}"
    said = short if short == offset else f"{short}, {offset}"
    return name if name == FALLBACK else f"{name} ({said})"


def typed_moment(text: str, zone: str) -> datetime | None:
    """A date and time as a datetime-local field sends it ("2026-03-02T08:00"), read in `zone`
    unless it carries its own offset; None when it is no date and time."""
    try:
        local = datetime.fromisoformat(text)
    except ValueError:
        return None
    return local if local.tzinfo is not None else local.replace(tzinfo=ZoneInfo(zone))


def day_start(day: date, zone: str) -> datetime:
    """When `day` begins in the zone (its local midnight), as a moment in UTC: a filter "from
    the 8th" read by an agent in Tokyo starts at 15:00 UTC on the 7th."""
    return datetime.combine(day, time.min, _zone(zone)).astimezone(UTC)


def day_end(day: date, zone: str) -> datetime:
    """When `day` ends in the zone (the next day's start), as a moment in UTC; exclusive."""
    return day_start(day + timedelta(days=1), zone)
