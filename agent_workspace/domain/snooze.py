"""Snooze: when a snoozed conversation comes back, and the agent's words for when.

An agent snoozes a conversation until a time or until the consumer replies. A conversation
snoozed until a time also wakes when the consumer writes first (as in Chatwoot): a consumer
who writes is never left unseen until the alarm. It then returns to the top of My
Interactions with a notice (the service's part).

Choices are read in the agent's time zone: "30m", "2h", "1h30m", "3d", "1w" (days and weeks
keep the wall time: "1d" at 09:00 wakes at 09:00 tomorrow across a clock change), "tomorrow"
(09:00) or "tomorrow 14:00", "today 17:00", "17:00" (the next 17:00), "mon 09:00" (the next
Monday), "2026-12-08 09:00", and "reply". A wall time the clocks skip wakes when they jump.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from agent_workspace.domain.business_hours import local_instant
from agent_workspace.domain.times import known_zone, local_text

MORNING = 9 * 60  # "tomorrow" alone, in minutes after midnight
LONGEST = timedelta(days=366)
EXAMPLES = '"30m", "2h", "3d", "tomorrow 09:00", "mon 09:00", "2026-12-08 09:00" or "reply"'
_UNITS = {"m": 1, "min": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}
_SPELT = {"mins": "min", "minute": "min", "minutes": "min", "hr": "h", "hrs": "h", "hour": "h",
          "hours": "h", "day": "d", "days": "d", "week": "w", "weeks": "w"}  # fmt: skip
_DURATION = re.compile(r"(\d+)\s*([a-z]+)")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_WEEKDAYS = {
    name: number
    for number, full in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                   "saturday", "sunday"))
    for name in (full, full[:3])
}  # fmt: skip
_REPLY = {"reply", "until reply", "until they reply", "until the consumer replies"}


class Wake(StrEnum):
    """Why a snoozed conversation came back."""

    TIME = "time"
    REPLY = "reply"


@dataclass(frozen=True)
class Snooze:
    """Until when a conversation sleeps: `until` (UTC) or None for a reply only."""

    until: datetime | None
    on_reply: bool = True


def wakes(
    snooze: Snooze, *, snoozed_at: datetime, now: datetime, last_inbound_at: datetime | None
) -> Wake | None:
    """Whether it comes back at `now`, and why; a reply wins when both hold."""
    if snooze.on_reply and last_inbound_at is not None and last_inbound_at > snoozed_at:
        return Wake.REPLY
    if snooze.until is not None and now >= snooze.until:
        return Wake.TIME
    return None


def describe(snooze: Snooze, zone: str) -> str:
    """E.g. "Until 2026-03-09 09:00 EDT or their reply", for the confirmation and the list."""
    if snooze.until is None:
        return "Until their reply"
    return f"Until {local_text(snooze.until, zone)}" + (
        " or their reply" if snooze.on_reply else ""
    )


def parse_snooze(text: str, *, now: datetime, zone: str) -> Snooze:
    """The snooze the agent chose; raises ValueError with words to show them."""
    said = " ".join((text or "").lower().split())
    if not said:
        raise ValueError(f"Choose when it comes back, e.g. {EXAMPLES}.")
    if said in _REPLY:
        return Snooze(None)
    if now.tzinfo is None:
        raise ValueError("a naive datetime has no moment to snooze from")
    tz = ZoneInfo(known_zone(zone))
    until = _duration(said, now, tz) if said[0].isdigit() else None
    if until is None:
        until = _moment(said, now, tz)
    if until <= now:
        raise ValueError(f"{local_text(until, zone)} has passed; choose a later time.")
    if until - now > LONGEST:
        raise ValueError("Snooze at most a year ahead.")
    return Snooze(until)


def _duration(said: str, now: datetime, tz: ZoneInfo) -> datetime | None:
    """From "1h30m", "3d" and the like; None when `said` is no duration."""
    pieces = _DURATION.findall(said)
    if not pieces or _DURATION.sub("", said).strip():
        return None
    minutes, days = 0, 0
    for amount, unit in pieces:
        unit = _SPELT.get(unit, unit)
        if unit not in _UNITS:
            return None
        if unit in ("d", "w"):
            days += int(amount) * _UNITS[unit] // (24 * 60)
        else:
            minutes += int(amount) * _UNITS[unit]
    if not (minutes or days):
        raise ValueError("Snooze for at least a minute.")
    if days * 24 * 60 + minutes > LONGEST // timedelta(minutes=1):
        raise ValueError("Snooze at most a year ahead.")
    if not days:
        return now + timedelta(minutes=minutes)
    local = now.astimezone(tz)
    wall = local_instant(local.date() + timedelta(days=days), local.hour * 60 + local.minute, tz)
    return wall + timedelta(minutes=minutes, seconds=local.second, microseconds=local.microsecond)


def _moment(said: str, now: datetime, tz: ZoneInfo) -> datetime:
    """From "tomorrow 09:00", "mon 09:00", "2026-12-08 09:00", "17:00"."""
    day_word, _, clock_word = said.partition(" ")
    today = now.astimezone(tz).date()
    day = _day(day_word, today)
    if day is None:  # no day named: "17:00" is the next 17:00
        minutes = _clock(said)
        at = local_instant(today, minutes, tz)
        return at if at > now else local_instant(today + timedelta(days=1), minutes, tz)
    if not clock_word and day_word == "today":
        raise ValueError('Give a time with "today", e.g. "today 17:00".')
    minutes = _clock(clock_word) if clock_word else MORNING
    return local_instant(day, minutes, tz)


def _day(word: str, today: date) -> date | None:
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in _WEEKDAYS:  # the next one, a week ahead when named on the day
        return today + timedelta(days=(_WEEKDAYS[word] - today.weekday() - 1) % 7 + 1)
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
        try:
            return date.fromisoformat(word)
        except ValueError:
            raise ValueError(f'"{word}" is not a date; write it as YYYY-MM-DD.') from None
    return None


def _clock(word: str) -> int:
    """Minutes after midnight from "09:00", "9:30", "5pm", "5:30pm"."""
    found = _CLOCK.match(word)
    if not found or (found.group(2) is None and found.group(3) is None):
        raise ValueError(f'"{word}" is not a snooze time; write e.g. {EXAMPLES}.')
    hours, minutes, half = int(found.group(1)), int(found.group(2) or 0), found.group(3)
    if half and not 1 <= hours <= 12:
        raise ValueError(f'"{word}" is not a time of day; use HH:MM, e.g. 09:00, or 9am.')
    if half:
        hours = hours % 12 + (12 if half == "pm" else 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f'"{word}" is not a time of day; use HH:MM, e.g. 09:00, or 9am.')
    return hours * 60 + minutes
