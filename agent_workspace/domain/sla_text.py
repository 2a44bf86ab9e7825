"""SLA targets as administrators write them ("15m", "4h", "1d", "1h 30m", or plain minutes),
and running clocks as the list and the conversation say them ("First response 12m left").

A day is 24 hours; under a business-hours calendar the target counts open time, so "1d" is 24
open hours, not the next day. Words, not colour alone, say how a clock stands: "due soon"
once it is amber, "overdue" once it is red.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from agent_workspace.domain.sla import Reading, Status, Target

SHORTEST = timedelta(minutes=1)
LONGEST = timedelta(days=365)
EXAMPLES = "15m, 4h, 1d, 1h 30m or 90 (minutes)"
NAMES = {
    Target.FIRST_RESPONSE: "First response",
    Target.NEXT_RESPONSE: "Next response",
    Target.RESOLUTION: "Resolution",
}
_UNITS = {
    "m": "minutes",
    "min": "minutes",
    "mins": "minutes",
    "minute": "minutes",
    "minutes": "minutes",
    "h": "hours",
    "hr": "hours",
    "hrs": "hours",
    "hour": "hours",
    "hours": "hours",
    "d": "days",
    "day": "days",
    "days": "days",
}
_PART = re.compile(r"(\d+)\s*([a-z]+)")


def parse_target(text: str) -> timedelta | None:
    """The duration `text` names; None for blank (no target). ValueError says how to write it."""
    words = text.strip().lower()
    if not words:
        return None
    if words.isdigit():
        return _bounded(timedelta(minutes=int(words)))
    amounts: dict[str, int] = {}
    if _PART.sub("", words).strip():
        raise ValueError(f"Write the target as minutes or with units, e.g. {EXAMPLES}.")
    for number, unit in _PART.findall(words):
        name = _UNITS.get(unit)
        if name is None:
            raise ValueError(f"Write the target as minutes or with units, e.g. {EXAMPLES}.")
        if name in amounts:
            raise ValueError(f"{text.strip()!r} names {name} twice; give each unit once.")
        amounts[name] = int(number)
    if not amounts:
        raise ValueError(f"Write the target as minutes or with units, e.g. {EXAMPLES}.")
    if any(n > 10**6 for n in amounts.values()):
        raise ValueError("A target is at most 365 days.")
    return _bounded(timedelta(**amounts))


def _bounded(target: timedelta) -> timedelta:
    if target < SHORTEST:
        raise ValueError("A target is at least 1 minute.")
    if target > LONGEST:
        raise ValueError("A target is at most 365 days.")
    return target


def target_text(target: timedelta) -> str:
    """The target as parse_target reads it back: "1h 30m", "1d", "15m"."""
    minutes = int(target.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if n]
    return " ".join(parts) or "0m"


def span_text(span: timedelta) -> str:
    """A time left or overdue, rounded up to the minute: "12m", "2h 05m", "1d 2h"."""
    minutes = max(1, math.ceil(abs(span.total_seconds()) / 60))
    if minutes < 60:
        return f"{minutes}m"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h {minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d {hours}h"


def describe(reading: Reading) -> str:
    """ "First response 12m left", "Next response 3m left, due soon", "Resolution 5m overdue"."""
    name = NAMES[reading.clock.target]
    if reading.status is Status.RED or reading.left < timedelta(0):
        # Past due while the desk is closed counts no open time yet: still overdue.
        return f"{name} {span_text(reading.left)} overdue"
    if reading.left == timedelta(0):
        return f"{name} due now"
    soon = ", due soon" if reading.status is Status.AMBER else ""
    return f"{name} {span_text(reading.left)} left{soon}"
