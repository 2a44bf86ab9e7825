"""Numbers where it is night or day now, for quiet-hours tests on the real clock: each is a
mobile with one time zone, judged by domain/quiet_hours.py under the default policy."""

from __future__ import annotations

from datetime import datetime, timedelta

from agent_workspace.domain.consumer_time import consumer_zone
from agent_workspace.domain.quiet_hours import Policy, judge

CANDIDATES = (
    "+819012345678",  # Tokyo
    "+6581234567",  # Singapore
    "+971501234567",  # Dubai
    "+4915123456789",  # Berlin
    "+5511961234567",  # Sao Paulo
    "+12125550123",  # New York
    "+14155550123",  # Los Angeles
    "+18085550123",  # Honolulu
)


def _allowed(e164: str, at: datetime) -> bool:
    verdict = judge(at, e164=e164, where=consumer_zone(e164), policy=Policy(), last_inbound_at=None)
    return verdict.allowed


def night_number(now: datetime, *, margin: timedelta = timedelta(minutes=30)) -> str:
    """A number outside the default hours now and for `margin` more."""
    for e164 in CANDIDATES:
        if not _allowed(e164, now) and not _allowed(e164, now + margin):
            return e164
    raise AssertionError("no candidate is at night now")


def day_number(now: datetime, *, margin: timedelta = timedelta(minutes=30)) -> str:
    """A number inside the default hours now and for `margin` more."""
    for e164 in CANDIDATES:
        if _allowed(e164, now) and _allowed(e164, now + margin):
            return e164
    raise AssertionError("no candidate is in the day now")
