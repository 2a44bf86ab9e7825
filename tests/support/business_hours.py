"""Business hours that are closed, or open, whenever a test runs (issue 27 items 8 and 9)."""

from __future__ import annotations

from datetime import timedelta

from agent_workspace.models import utcnow
from agent_workspace.services.channels.business_hours import BusinessHours

ALL_DAY = "Mon-Sun 00:00-24:00"
OPEN_NOW = BusinessHours("UTC", ALL_DAY)


def closed_days() -> str:
    """Yesterday, today and tomorrow (UTC) as holidays, one a line: closed now, even across
    midnight while a test runs."""
    today = utcnow().date()
    return "\n".join(str(today + timedelta(days=d)) for d in (-1, 0, 1))


def closed_now() -> BusinessHours:
    """Open every hour of the week, but closed for the holidays around today."""
    return BusinessHours("UTC", ALL_DAY, closed_days())
