"""Every report figure, defined once as SQL over the existing tables (SQLAlchemy Core, the
same statement on PostgreSQL and SQLite: services/reports/sql.py).

Each figure counts an event in the period it happened in, in the desk's zone: a conversation
opened on the day it opened, closed on the day it closed, a first response on the day it was
sent, a message on the day it was written. Conversations are messaging interactions.

- first response: from the conversation's first inbound text to the first outbound message
  after it that is not the after-hours auto-reply (a conversation we started has none until
  the consumer writes);
- resolution: from opened to closed;
- segments sent: of outbound messages the provider took (`sent_at` set, or a status only the
  provider gives: sent, delivered, undelivered);
- delivery outcomes: outbound messages written in the period, by status and error code;
- opt-outs: phones that opted out (the consent ledger's audit rows, opted_out true; in the
  conversation the row names, else the phone's latest one then), per phones reached (sent a
  message the provider took); the rate is domain/figures.py opt_out_rate;
- heatmap: inbound texts by local weekday and hour.

Grouping (domain/reports.py GroupBy): by the interaction's assigned agent, by each of its
labels, or by our provider number (a message's own; a conversation's first message's).

Messages are read by the period's range of `ix_message_created`, and a first response only for
conversations with an outbound message in the period (one index range each in
`ix_message_interaction_order`): the read costs what the period holds, not the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from agent_workspace.domain.reports import (
    ALL,
    NO_AGENT,
    NO_LABEL,
    VIRTUAL_AGENT,
    GroupBy,
)
from agent_workspace.models import (
    AuditEvent,
    Interaction,
    InteractionLabel,
    Label,
    Message,
    User,
)
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.reports.sql import (
    local_bucket,
    local_hour,
    local_weekday,
    percentile_of,
    seconds_between,
)

IX: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
M: sa.Table = Message.__table__  # type: ignore[attr-defined]
U: sa.Table = User.__table__  # type: ignore[attr-defined]
IL: sa.Table = InteractionLabel.__table__  # type: ignore[attr-defined]
L: sa.Table = Label.__table__  # type: ignore[attr-defined]
A: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]

SENT = ("inbound", "outbound")  # notes are never sent


@dataclass(frozen=True)
class Ask:
    """What every figure's SQL is bound to: [start, end) in UTC, the zone, grain and grouping."""

    start: datetime
    end: datetime
    zone: str
    grain: str
    group: GroupBy


def _our_number(m: sa.FromClause) -> sa.ColumnElement[str]:
    """Our side of a message: the number it came to, or the one it went from."""
    return sa.case(
        (m.c.direction == "inbound", m.c.to_number),
        else_=sa.func.coalesce(m.c.provider_from, m.c.from_number),
    )


def _went_out(m: sa.FromClause) -> sa.ColumnElement[bool]:
    """The provider took the message: it recorded when, or a status only the provider gives."""
    return sa.or_(m.c.sent_at.is_not(None), m.c.status.in_(("sent", "delivered", "undelivered")))


def _first_number(interaction_id: Any) -> sa.ScalarSelect[Any]:
    """A conversation's provider number: that of its first message."""
    m = M.alias("first_message")
    return (
        sa.select(_our_number(m))
        .where(m.c.interaction_id == interaction_id, m.c.direction.in_(SENT))
        .order_by(m.c.created_at, m.c.id)
        .limit(1)
        .scalar_subquery()
    )


def _grouped(events: sa.Subquery, ask: Ask, *values: str) -> sa.Subquery:
    """`events` (at, interaction_id, number, values...) with its period and group columns."""
    source: sa.FromClause = events.outerjoin(IX, IX.c.id == events.c.interaction_id)
    if ask.group == GroupBy.AGENT:
        source = source.outerjoin(U, U.c.id == IX.c.assigned_agent_id)
        group: sa.ColumnElement[Any] = sa.case(
            (IX.c.virtual_agent, VIRTUAL_AGENT), else_=sa.func.coalesce(U.c.display_name, NO_AGENT)
        )
    elif ask.group == GroupBy.LABEL:
        source = source.outerjoin(IL, IL.c.interaction_id == events.c.interaction_id).outerjoin(
            L, L.c.id == IL.c.label_id
        )
        group = sa.func.coalesce(L.c.name, NO_LABEL)
    elif ask.group == GroupBy.NUMBER:
        group = sa.func.coalesce(events.c.number, "—")
    else:
        group = sa.literal(ALL, sa.String())
    return (
        sa.select(
            local_bucket(events.c.at, sa.literal(ask.zone), sa.literal(ask.grain)).label("period"),
            group.label("grp"),
            *(events.c[v] for v in values),
        )
        .select_from(source)
        .subquery("grouped")
    )


def _per_period(grouped: sa.Subquery, *columns: sa.ColumnElement[Any]) -> sa.Select[Any]:
    return (
        sa.select(grouped.c.period, grouped.c.grp, *columns)
        .group_by(grouped.c.period, grouped.c.grp)
        .order_by(grouped.c.period, grouped.c.grp)
    )


def _interaction_events(ask: Ask, at: sa.ColumnElement[Any], **values: Any) -> sa.Subquery:
    number = _first_number(IX.c.id) if ask.group == GroupBy.NUMBER else sa.null()
    return (
        sa.select(
            at.label("at"),
            IX.c.id.label("interaction_id"),
            number.label("number"),
            *(v.label(k) for k, v in values.items()),
        )
        .where(IX.c.type == "messaging", at >= ask.start, at < ask.end)
        .subquery("events")
    )


def opened(ask: Ask) -> sa.Select[Any]:
    """period, group, conversations opened."""
    g = _grouped(_interaction_events(ask, IX.c.opened_at), ask)
    return _per_period(g, sa.func.count().label("opened"))


def closed(ask: Ask) -> sa.Select[Any]:
    """period, group, conversations closed."""
    g = _grouped(_interaction_events(ask, IX.c.closed_at), ask)
    return _per_period(g, sa.func.count().label("closed"))


def _resolutions(ask: Ask) -> sa.Subquery:
    """Conversations closed in the period: at, ..., started (opened), seconds."""
    seconds = seconds_between(IX.c.opened_at, IX.c.closed_at)
    return _interaction_events(ask, IX.c.closed_at, started=IX.c.opened_at, seconds=seconds)


def resolution(ask: Ask) -> sa.Select[Any]:
    """period, group, conversations resolved, resolution time median and p90 (seconds)."""
    g = _grouped(_resolutions(ask), ask, "seconds")
    return _per_period(g, *_spread(g.c.seconds, "resolved"))


def resolution_spans(ask: Ask) -> sa.Select[Any]:
    """period, group, opened, closed, interaction: one row per conversation resolved (business
    hours and SLA targets are counted in Python: domain/business_hours.py, domain/sla.py)."""
    return _spans(_grouped(_resolutions(ask), ask, "started", "at", "interaction_id"))


def _spans(g: sa.Subquery) -> sa.Select[Any]:
    return sa.select(g.c.period, g.c.grp, g.c.started, g.c.at, g.c.interaction_id).order_by(
        g.c.period, g.c.grp
    )


def _spread(seconds: Any, counted: str) -> tuple[sa.ColumnElement[Any], ...]:
    return (
        sa.func.count(seconds).label(counted),
        percentile_of(seconds, sa.literal_column("50")).label("median"),
        percentile_of(seconds, sa.literal_column("90")).label("p90"),
    )


def first_response(ask: Ask) -> sa.Select[Any]:
    """period, group, first responses, first response time median and p90 (seconds)."""
    g = _grouped(_first_responses(ask), ask, "seconds")
    return _per_period(g, *_spread(g.c.seconds, "responses"))


def first_response_spans(ask: Ask) -> sa.Select[Any]:
    """period, group, first inbound text, first response, interaction: one row per
    conversation answered."""
    return _spans(_grouped(_first_responses(ask), ask, "started", "at", "interaction_id"))


def _first_responses(ask: Ask) -> sa.Subquery:
    """Conversations first answered in the period: at, interaction_id, number, started (the
    first inbound text), seconds."""
    answering = (  # a first response in the period is an outbound message written in it
        sa.select(M.c.interaction_id)
        .where(
            M.c.direction == "outbound",
            sa.not_(M.c.auto_reply),
            M.c.created_at >= ask.start,
            M.c.created_at < ask.end,
        )
        .distinct()
        .subquery("answering")
    )
    inbound = M.alias("inbound")
    first_in_at = (  # the conversation's first inbound text: one index range
        sa.select(sa.func.min(inbound.c.created_at))
        .where(
            inbound.c.interaction_id == answering.c.interaction_id,
            inbound.c.direction == "inbound",
        )
        .scalar_subquery()
    )
    first_in = sa.select(answering.c.interaction_id, first_in_at.label("first_in")).subquery(
        "first_in"
    )
    response = (  # one index range per conversation (ix_message_interaction_order)
        sa.select(sa.func.min(M.c.created_at))
        .where(
            M.c.interaction_id == first_in.c.interaction_id,
            M.c.direction == "outbound",
            sa.not_(M.c.auto_reply),  # the after-hours auto-reply answers nobody's question
            M.c.created_at > first_in.c.first_in,
        )
        .scalar_subquery()
    )
    answered = (  # materialized: each conversation's two index reads are made once
        sa.select(first_in.c.interaction_id, first_in.c.first_in, response.label("at"))
        .cte("answered")
        .prefix_with("MATERIALIZED")
    )
    number = _first_number(answered.c.interaction_id) if ask.group == GroupBy.NUMBER else None
    events = (
        sa.select(
            answered.c.at,
            answered.c.interaction_id,
            (number if number is not None else sa.null()).label("number"),
            answered.c.first_in.label("started"),
            seconds_between(answered.c.first_in, answered.c.at).label("seconds"),
        )
        .where(answered.c.at >= ask.start, answered.c.at < ask.end)
        .subquery("events")
    )
    return events


def _message_events(ask: Ask, *where: Any, **values: Any) -> sa.Subquery:
    return (
        sa.select(
            M.c.created_at.label("at"),
            M.c.interaction_id,
            _our_number(M).label("number"),
            *(v.label(k) for k, v in values.items()),
        )
        .where(M.c.created_at >= ask.start, M.c.created_at < ask.end, *where)
        .subquery("events")
    )


def messages(ask: Ask) -> sa.Select[Any]:
    """period, group, messages in, messages out, segments sent."""
    outbound = M.c.direction == "outbound"
    events = _message_events(
        ask,
        M.c.direction.in_(SENT),
        inbound=sa.case((M.c.direction == "inbound", 1), else_=0),
        outbound=sa.case((outbound, 1), else_=0),
        segments=sa.case((outbound & _went_out(M), M.c.segments), else_=0),
    )
    g = _grouped(events, ask, "inbound", "outbound", "segments")
    return _per_period(
        g,
        sa.func.sum(g.c.inbound).label("messages_in"),
        sa.func.sum(g.c.outbound).label("messages_out"),
        sa.func.sum(g.c.segments).label("segments_sent"),
    )


def delivery(ask: Ask) -> sa.Select[Any]:
    """period, group, status, error code, outbound messages."""
    events = _message_events(
        ask, M.c.direction == "outbound", status=M.c.status, error_code=M.c.error_code
    )
    g = _grouped(events, ask, "status", "error_code")
    return (
        sa.select(g.c.period, g.c.grp, g.c.status, g.c.error_code, sa.func.count().label("n"))
        .group_by(g.c.period, g.c.grp, g.c.status, g.c.error_code)
        .order_by(g.c.period, g.c.grp, g.c.status, g.c.error_code.nulls_first())
    )


def opt_outs(ask: Ask) -> sa.Select[Any]:
    """period, group, phones that opted out."""
    detail = A.c.detail
    phone = detail["phone"].as_string()
    latest = (  # a STOP's row names no interaction: the phone's latest conversation then
        sa.select(IX.c.id)
        .where(IX.c.phone == phone, IX.c.type == "messaging", IX.c.opened_at <= A.c.at)
        .order_by(IX.c.opened_at.desc(), IX.c.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    events = (
        sa.select(
            A.c.at.label("at"),
            sa.func.coalesce(A.c.interaction_id, latest).label("interaction_id"),
            detail["sender"].as_string().label("number"),
            phone.label("phone"),
        )
        .where(
            A.c.action == AuditAction.OPT_OUT_CHANGED.value,
            A.c.at >= ask.start,
            A.c.at < ask.end,
            detail["opted_out"].as_boolean(),
        )
        .subquery("events")
    )
    g = _grouped(events, ask, "phone")
    return _per_period(g, sa.func.count(sa.distinct(g.c.phone)).label("opted_out"))


def reached(ask: Ask) -> sa.Select[Any]:
    """period, group, phones reached (sent a message the provider took)."""
    events = _message_events(ask, M.c.direction == "outbound", _went_out(M), phone=M.c.to_number)
    g = _grouped(events, ask, "phone")
    return _per_period(g, sa.func.count(sa.distinct(g.c.phone)).label("reached"))


def heatmap(ask: Ask) -> sa.Select[Any]:
    """weekday (0 Monday), hour, inbound texts: the whole desk's, whatever the grouping."""
    zone = sa.literal(ask.zone)
    events = (
        sa.select(
            local_weekday(M.c.created_at, zone).label("weekday"),
            local_hour(M.c.created_at, zone).label("hour"),
        )
        .where(
            M.c.direction == "inbound",
            M.c.created_at >= ask.start,
            M.c.created_at < ask.end,
        )
        .subquery("events")
    )
    return (
        sa.select(events.c.weekday, events.c.hour, sa.func.count().label("n"))
        .group_by(events.c.weekday, events.c.hour)
        .order_by(events.c.weekday, events.c.hour)
    )
