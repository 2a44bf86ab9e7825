"""Quiet hours at Send and at a scheduled message's time: the facts from the database (the
channel's policy, the person's stored zone, the consumer's last inbound text) judged by
domain/quiet_hours.py, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from agent_workspace.domain.consumer_time import consumer_zone
from agent_workspace.domain.quiet_hours import Verdict, judge, opening_text
from agent_workspace.domain.routing import PersonRef
from agent_workspace.models import Direction, Message
from agent_workspace.services.channels.settings import ChannelView
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.people.directory import get_person


class OutsideQuietHours(ServiceError):
    """Send refused before anything was written: it is outside the allowed hours for the
    consumer. The message says so; `opens_at` (UTC) and `opening` ("08:00 their time
    (Tuesday)") are what the Send-later choice offers; None and "" when no time fits."""

    def __init__(
        self, message: str, *, opens_at: datetime | None, opening: str, zone: str = ""
    ) -> None:
        super().__init__(message)
        self.opens_at = opens_at
        self.opening = opening
        self.zone = zone  # the consumer's zone the times are said in


@dataclass(frozen=True)
class Judged:
    verdict: Verdict
    opening: str  # e.g. "08:00 their time (Tuesday)", "" when allowed or nothing fits
    zone: str = ""  # the consumer's zone the opening is said in


def judge_quiet(
    session: Session,
    *,
    at: datetime,
    channel: ChannelView,
    phone: str,
    person: PersonRef | None,
) -> Judged:
    """What quiet hours say of a text to `phone` at `at`."""
    if not channel.quiet.enabled:
        return Judged(Verdict(True), "")
    view = get_person(session, person) if person is not None else None
    where = consumer_zone(phone, view.time_zone if view else None)
    verdict = judge(
        at,
        e164=phone,
        where=where,
        policy=channel.quiet,
        last_inbound_at=last_inbound_at(session, channel=channel, phone=phone),
    )
    zones = (where.zone,) if where.zone else where.candidates
    if verdict.allowed or verdict.opens_at is None:
        return Judged(verdict, "", zones[0] if zones else "")
    return Judged(verdict, opening_text(verdict.opens_at, zones), zones[0])


def last_inbound_at(session: Session, *, channel: ChannelView, phone: str) -> datetime | None:
    """When the consumer last texted one of the channel's numbers."""
    if not channel.provider_numbers:
        return None
    latest = session.exec(
        select(sa.func.max(Message.created_at)).where(
            Message.direction == Direction.INBOUND,
            Message.from_number == phone,
            col(Message.to_number).in_(channel.provider_numbers),
        )
    ).one()
    if latest is not None and latest.tzinfo is None:  # SQLite aggregates lose the type
        latest = latest.replace(tzinfo=UTC)
    return latest


def refusal(judged: Judged) -> OutsideQuietHours:
    return OutsideQuietHours(
        judged.verdict.words,
        opens_at=judged.verdict.opens_at,
        opening=judged.opening,
        zone=judged.zone,
    )
