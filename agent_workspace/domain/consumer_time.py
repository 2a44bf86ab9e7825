"""The consumer's local time, from their number: what the composer and the conversation header
say ("14:05 for them, Pacific Time") and what quiet hours are judged in.

A number's zones come from phonenumbers' geographic data (by prefix: a US area code, a
country). A number that spans several zones (a mobile in a country with several, a US area
code split by a zone line) says so, and the person's stored zone decides when one is set.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import timezone as number_zones_data

from agent_workspace.domain.times import known_zone

UNKNOWN_ZONE = "Etc/Unknown"

# What people call the zones a US/Canadian desk meets most; other zones read as their city.
_COMMON_NAMES = {
    "America/New_York": "Eastern Time",
    "America/Detroit": "Eastern Time",
    "America/Toronto": "Eastern Time",
    "America/Indiana/Indianapolis": "Eastern Time",
    "America/Kentucky/Louisville": "Eastern Time",
    "America/Chicago": "Central Time",
    "America/Winnipeg": "Central Time",
    "America/Regina": "Central Time (Saskatchewan)",
    "America/Denver": "Mountain Time",
    "America/Edmonton": "Mountain Time",
    "America/Boise": "Mountain Time",
    "America/Phoenix": "Mountain Time (Arizona)",
    "America/Los_Angeles": "Pacific Time",
    "America/Vancouver": "Pacific Time",
    "America/Anchorage": "Alaska Time",
    "Pacific/Honolulu": "Hawaii Time",
    "America/Halifax": "Atlantic Time",
    "America/St_Johns": "Newfoundland Time",
    "America/Puerto_Rico": "Atlantic Time",
    "Europe/London": "UK time",
}


@dataclass(frozen=True)
class ConsumerZone:
    """Which zone a consumer's time is read in.

    Attributes:
        zone: The IANA zone used, or None when the number spans several and none is stored.
        candidates: Every zone the number may be in (one for most numbers).
        stored: Whether `zone` is the person's stored zone rather than the number's.
    """

    zone: str | None
    candidates: tuple[str, ...]
    stored: bool = False

    @property
    def several(self) -> bool:
        return len(self.candidates) > 1


def number_zones(e164: str) -> tuple[str, ...]:
    """The IANA zones phonenumbers places `e164` in, sorted; empty when it does not know."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return ()
    zones = number_zones_data.time_zones_for_number(number)
    return tuple(sorted(z for z in zones if z != UNKNOWN_ZONE and known_zone(z) == z))


def consumer_zone(e164: str, stored_zone: str | None = None) -> ConsumerZone:
    """The zone the consumer's time is read in: the person's stored zone when set (and a real
    zone), else the number's single zone; None when the number spans several."""
    candidates = number_zones(e164)
    if stored_zone and known_zone(stored_zone) == stored_zone:
        return ConsumerZone(stored_zone, candidates or (stored_zone,), stored=True)
    if len(candidates) == 1:
        return ConsumerZone(candidates[0], candidates)
    return ConsumerZone(None, candidates)


def zone_name(zone: str) -> str:
    """E.g. "Pacific Time", "Tokyo time" (the zone's city), for a sentence."""
    if zone in _COMMON_NAMES:
        return _COMMON_NAMES[zone]
    city = zone.rsplit("/", 1)[-1].replace("_", " ")
    return f"{city} time"


def their_time(now: datetime, where: ConsumerZone) -> str:
    """What the composer shows next to To, e.g. "14:05 for them, Pacific Time"; for a number in
    several zones with none stored, the span ("11:05-14:05 for them: several time zones");
    "" when nothing is known."""
    if now.tzinfo is None:
        raise ValueError("a naive datetime has no moment to show")
    if where.zone is not None:
        local = now.astimezone(ZoneInfo(where.zone))
        return f"{local:%H:%M} for them, {zone_name(where.zone)}"
    if not where.candidates:
        return ""
    times = sorted(now.astimezone(ZoneInfo(z)).replace(tzinfo=None) for z in where.candidates)
    first, last = times[0], times[-1]
    if first == last:
        return f"{first:%H:%M} for them, {zone_name(where.candidates[0])}"
    later = " the next day" if last.date() > first.date() else ""
    return f"{first:%H:%M} to {last:%H:%M}{later} for them: several time zones"
