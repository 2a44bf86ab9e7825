"""A channel's business calendar as the clocks count in it (the administration form that keeps
it is services/channels/business_hours.py; this read sits here so that the list rows, which
every group shows, can count in it without importing the channels' administration)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from agent_workspace.domain.business_hours import Calendar
from agent_workspace.domain.business_hours_text import parse_holidays, parse_hours
from agent_workspace.models import Channel


def calendar_of(session: Session, channel_id: int) -> Calendar | None:
    """The channel's business calendar, or None when no hours are set (the desk then counts
    calendar time). One small read; what is stored was checked when saved."""
    row = session.exec(
        select(Channel.hours_zone, Channel.hours_week, Channel.hours_holidays).where(
            col(Channel.id) == channel_id
        )
    ).first()
    return None if row is None else stored_calendar(*row)


def stored_calendar(zone: str | None, week: str, holidays: str) -> Calendar | None:
    """The calendar of a channel's three columns, for a caller that read them with more."""
    if zone is None:
        return None
    return Calendar(zone, parse_hours(week), frozenset(parse_holidays(holidays)))
