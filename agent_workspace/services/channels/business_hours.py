"""A channel's business hours (issue 27 items 8 and 9), the administration form: time zone,
weekly hours and holidays, as the administrator writes them; clearing them returns the desk to
calendar time. The SLA clock and the after-hours auto-reply read the calendar through
services/sla/calendars.py -> calendar_of. The rules are domain/business_hours.py; the text
form is domain/business_hours_text.py."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.engine import Engine

from agent_workspace.domain.business_hours_text import (
    HoursTextError,
    hours_text,
    parse_holidays,
    parse_hours,
    parse_zone,
)
from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.channels.admin import changing_channel, read_channel, store_setting
from agent_workspace.services.errors import FieldProblems, InvalidInput
from agent_workspace.services.sla.clocks import keep_due_on_channels

T = TypeVar("T")
MAX_HOLIDAYS_CHARS = 4000
MAX_WEEK_CHARS = 400  # channel.hours_week's column


@dataclass(frozen=True)
class BusinessHours:
    """The form's values; a `zone` of "" means no hours are set."""

    zone: str = ""
    hours: str = ""
    holidays: str = ""

    @property
    def is_set(self) -> bool:
        return self.zone != ""


def business_hours(*, actor: Actor | None, engine: Engine | None = None) -> BusinessHours:
    """The channel's business hours, for the administration form."""
    return read_channel(_view, actor=actor, engine=engine)


def update_business_hours(
    *, actor: Actor | None, hours: BusinessHours, engine: Engine | None = None
) -> BusinessHours:
    """Stores the channel's business hours in their canonical text; every problem is refused
    at once, by field (zone, hours, holidays), and nothing is stored. An unchanged form
    writes nothing."""
    admin = require_role(actor, Role.ADMIN)
    wanted = _checked(hours)
    return _store(admin, wanted, engine)


def clear_business_hours(*, actor: Actor | None, engine: Engine | None = None) -> BusinessHours:
    """Removes the channel's business hours: the desk counts calendar time again."""
    admin = require_role(actor, Role.ADMIN)
    return _store(admin, BusinessHours(), engine)


def _store(admin: Actor, wanted: BusinessHours, engine: Engine | None) -> BusinessHours:
    with changing_channel(admin, engine) as (session, channel):
        if not wanted.zone and channel.after_hours_reply:
            # It answers outside the hours: without them it would fall silent unseen.
            raise InvalidInput(
                "Turn the after-hours auto-reply off first: it answers texts outside these "
                "hours, and without them it would never answer."
            )

        def write(channel: Channel) -> None:
            channel.hours_zone = wanted.zone or None
            channel.hours_week, channel.hours_holidays = wanted.hours, wanted.holidays

        before, after = store_setting(
            session, admin, channel, AuditAction.CHANNEL_BUSINESS_HOURS_CHANGED, _view, write
        )
        if after != before:
            assert channel.id is not None
            keep_due_on_channels(session, [channel.id])  # the clocks count in these hours
        return after


def _checked(hours: BusinessHours) -> BusinessHours:
    """The canonical form of valid hours, or FieldProblems naming each wrong field."""
    problems: dict[str, str] = {}

    def read(field: str, parse: Callable[[str], T], text: str) -> T | None:
        try:
            return parse(text)
        except HoursTextError as error:
            problems[field] = " ".join(error.problems)
            return None

    zone = read("zone", parse_zone, hours.zone)
    week = read("hours", parse_hours, hours.hours)
    if len(hours.holidays) > MAX_HOLIDAYS_CHARS:
        problems["holidays"] = (
            f"The holidays are at most {MAX_HOLIDAYS_CHARS} characters "
            f"({len(hours.holidays)} now); remove past ones."
        )
        days = None
    else:
        days = read("holidays", parse_holidays, hours.holidays)
    canonical = hours_text(week) if week is not None else ""
    if len(canonical) > MAX_WEEK_CHARS:
        problems["hours"] = (
            f"The hours are at most {MAX_WEEK_CHARS} characters written out "
            f"({len(canonical)} now); give fewer spans a day."
        )
    if problems or zone is None or week is None or days is None:
        raise FieldProblems(problems)
    listed = "\n".join(f"{day.isoformat()} {name}".strip() for day, name in sorted(days.items()))
    return BusinessHours(zone=zone, hours=canonical, holidays=listed)


def _view(channel: Channel) -> BusinessHours:
    if channel.hours_zone is None:
        return BusinessHours()
    return BusinessHours(channel.hours_zone, channel.hours_week, channel.hours_holidays)
