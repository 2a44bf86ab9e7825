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
labels, or by our provider number (a message's own; a conversation's first message's). The
group is what the conversation is now: a transfer moves its past figures with it.

Messages are read once, by the period's range of `ix_message_created` (`messages`: every
message figure from one statement); a first response is the conversation's own fact
(`first_response_at`, kept by services/interactions/lifecycle.py), read by the period's range
of `ix_interaction_first_response`: the read costs what the period holds, not the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

import sqlalchemy as sa

from agent_workspace.domain.reports import (
    ALL,
    NO_AGENT,
    NO_LABEL,
    VIRTUAL_AGENT,
    GroupBy,
    hour_starts,
    period_starts,
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
    bucket_text,
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

    @cached_property
    def _periods(self) -> tuple[tuple[datetime, str], ...]:
        return period_starts(self.start, self.end, self.zone, self.grain)

    @cached_property
    def _hours(self) -> tuple[tuple[datetime, int, int], ...]:
        return hour_starts(self.start, self.end, self.zone)

    def period_of(self, moment: Any) -> sa.ColumnElement[Any]:
        """The period `moment` is counted in (spelled by `period_name`)."""
        starts = _array([at for at, _ in self._periods], sa.DateTime(timezone=True))
        return local_bucket(moment, sa.literal(self.zone), sa.literal(self.grain), starts)

    def period_name(self, period: Any) -> sa.ColumnElement[str]:
        return bucket_text(period, _array([name for _, name in self._periods], sa.String()))

    def weekday_of(self, moment: Any) -> sa.ColumnElement[int]:
        starts = _array([at for at, _, _ in self._hours], sa.DateTime(timezone=True))
        days = _array([day for _, day, _ in self._hours], sa.Integer())
        return local_weekday(moment, sa.literal(self.zone), starts, days)

    def hour_of(self, moment: Any) -> sa.ColumnElement[int]:
        starts = _array([at for at, _, _ in self._hours], sa.DateTime(timezone=True))
        hours = _array([hour for _, _, hour in self._hours], sa.Integer())
        return local_hour(moment, sa.literal(self.zone), starts, hours)


def _array(values: list[Any], of: sa.types.TypeEngine[Any]) -> sa.BindParameter[Any]:
    return sa.bindparam(None, values, type_=sa.ARRAY(of))


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


def _grouped(events: sa.Subquery, ask: Ask, *values: str, keyed: bool = False) -> sa.Subquery:
    """`events` (at, interaction_id, number, values...) with its period and group columns.
    Events read from the interaction itself carry its `agent_id` and `virtual` (no second
    read of the table); a message's are joined. `keyed`: by agent, the group is the agent's
    key (`_agent_key`), named after grouping (`agent_named`)."""
    source: sa.FromClause = events
    if ask.group == GroupBy.AGENT and keyed:
        source = source.outerjoin(IX, IX.c.id == events.c.interaction_id)
        group: sa.ColumnElement[Any] = _agent_key(IX.c.assigned_agent_id, IX.c.virtual_agent)
    elif ask.group == GroupBy.AGENT:
        if "agent_id" in events.c:
            agent_id, virtual = events.c.agent_id, events.c.virtual
        else:
            source = source.outerjoin(IX, IX.c.id == events.c.interaction_id)
            agent_id, virtual = IX.c.assigned_agent_id, IX.c.virtual_agent
        source = source.outerjoin(U, U.c.id == agent_id)
        group = _agent_group(virtual, U.c.display_name)
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
            ask.period_of(events.c.at).label("period"),
            group.label("grp"),
            *(events.c[v] for v in values),
        )
        .select_from(source)
        .subquery("grouped")
    )


_VIRTUAL_KEY = -1


def _agent_key(agent_id: Any, virtual: Any) -> sa.ColumnElement[Any]:
    """The agent group as a number: the agent's id, -1 the virtual agent, null no one.
    Grouping 240,000 messages by it took a third of grouping them by the agent's name
    joined to each (which also needs the user table joined per message)."""
    return sa.case((virtual, _VIRTUAL_KEY), else_=agent_id)


def _agent_group(virtual: Any, name: Any) -> sa.ColumnElement[str]:
    """The agent group's name: the virtual agent, the assigned agent's name, or no one."""
    return sa.case((virtual, VIRTUAL_AGENT), else_=sa.func.coalesce(name, NO_AGENT))


def agent_named(key: Any) -> sa.ColumnElement[str]:
    """The group's name for an `_agent_key`, as `_grouped` names it."""
    name = sa.select(U.c.display_name).where(U.c.id == key).scalar_subquery()
    return _agent_group(key == _VIRTUAL_KEY, name)


def _per_period(ask: Ask, grouped: sa.Subquery, *columns: sa.ColumnElement[Any]) -> sa.Select[Any]:
    return (
        sa.select(ask.period_name(grouped.c.period).label("period"), grouped.c.grp, *columns)
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
            IX.c.assigned_agent_id.label("agent_id"),
            IX.c.virtual_agent.label("virtual"),
            *(v.label(k) for k, v in values.items()),
        )
        .where(IX.c.type == "messaging", at >= ask.start, at < ask.end)
        .subquery("events")
    )


def opened(ask: Ask) -> sa.Select[Any]:
    """period, group, conversations opened."""
    g = _grouped(_interaction_events(ask, IX.c.opened_at), ask)
    return _per_period(ask, g, sa.func.count().label("opened"))


def closed(ask: Ask) -> sa.Select[Any]:
    """period, group, conversations closed."""
    g = _grouped(_interaction_events(ask, IX.c.closed_at), ask)
    return _per_period(ask, g, sa.func.count().label("closed"))


def _resolutions(ask: Ask) -> sa.Subquery:
    """Conversations closed in the period: at, ..., started (opened), seconds."""
    seconds = seconds_between(IX.c.opened_at, IX.c.closed_at)
    return _interaction_events(ask, IX.c.closed_at, started=IX.c.opened_at, seconds=seconds)


def resolution(ask: Ask) -> sa.Select[Any]:
    """period, group, conversations resolved, resolution time median and p90 (seconds)."""
    g = _grouped(_resolutions(ask), ask, "seconds")
    return _per_period(ask, g, *_spread(g.c.seconds, "resolved"))


def resolution_spans(ask: Ask) -> sa.Select[Any]:
    """period, group, opened, closed, interaction: one row per conversation resolved (business
    hours and SLA targets are counted in Python: domain/business_hours.py, domain/sla.py)."""
    return _spans(ask, _grouped(_resolutions(ask), ask, "started", "at", "interaction_id"))


def _spans(ask: Ask, g: sa.Subquery) -> sa.Select[Any]:
    period = ask.period_name(g.c.period).label("period")
    return sa.select(period, g.c.grp, g.c.started, g.c.at, g.c.interaction_id).order_by(
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
    return _per_period(ask, g, *_spread(g.c.seconds, "responses"))


def first_response_spans(ask: Ask) -> sa.Select[Any]:
    """period, group, first inbound text, first response, interaction: one row per
    conversation answered."""
    return _spans(ask, _grouped(_first_responses(ask), ask, "started", "at", "interaction_id"))


def _first_responses(ask: Ask) -> sa.Subquery:
    """Conversations first answered in the period: at, interaction_id, number, started (the
    first inbound text), seconds. The conversation keeps both moments (models/interaction.py,
    services/interactions/lifecycle.py): one range of `ix_interaction_first_response`."""
    return _interaction_events(
        ask,
        IX.c.first_response_at,
        started=IX.c.first_inbound_at,
        seconds=seconds_between(IX.c.first_inbound_at, IX.c.first_response_at),
    )


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
    """kind, period, group, status, error code, a, b, c: every message figure from one read
    of the period's messages (a MATERIALIZED CTE, each message's period and group computed
    once; each figure used to scan them again, 0.35-0.8 s each at 90 days of 1M messages):

    - "messages": messages in (a), messages out (b), segments sent (c);
    - "reached": phones reached (a), for the groups that reached one;
    - "delivery": outbound messages (a) by status and error code;
    - "heatmap": inbound texts (c) by local weekday (a) and hour (b), the whole desk's. Not
      when grouped by label: a message is a row per label there (`heatmap_counted`).

    By agent, the rows are grouped by the agent's key and named after: agents who share a
    name have a row each, which the reader adds up (services/reports/report.py _Sent).
    """
    outbound = M.c.direction == "outbound"
    inbound = M.c.direction == "inbound"
    events = _message_events(
        ask,
        M.c.direction.in_(SENT),
        inbound=sa.case((inbound, 1), else_=0),
        outbound=sa.case((outbound, 1), else_=0),
        segments=sa.case((outbound & _went_out(M), M.c.segments), else_=0),
        phone=sa.case((outbound & _went_out(M), M.c.to_number)),
        status=sa.case((outbound, M.c.status)),
        error_code=sa.case((outbound, M.c.error_code)),
        weekday=sa.case((inbound, ask.weekday_of(M.c.created_at))),
        hour=sa.case((inbound, ask.hour_of(M.c.created_at))),
    )
    keyed = ask.group == GroupBy.AGENT
    g = _grouped(events, ask, *_MESSAGE_VALUES, keyed=keyed).select()
    read = g.cte("period_messages").prefix_with("MATERIALIZED")
    grp = agent_named(read.c.grp) if keyed else read.c.grp
    text, number, none = sa.String(), sa.Integer(), sa.null()
    per_group = sa.select(
        sa.literal("messages", text).label("kind"),
        ask.period_name(read.c.period).label("period"),
        grp.label("grp"),
        sa.cast(none, text).label("status"),
        sa.cast(none, number).label("error_code"),
        sa.func.sum(read.c.inbound).label("a"),
        sa.func.sum(read.c.outbound).label("b"),
        sa.func.sum(read.c.segments).label("c"),
    ).group_by(read.c.period, read.c.grp)
    keyed_phones = (  # distinct first, then counted: hashed, where COUNT(DISTINCT) sorts
        sa.select(read.c.period, read.c.grp, read.c.phone)
        .where(read.c.phone.is_not(None))
        .distinct()
        .subquery("keyed_phones")
    )
    if keyed:  # agents who share a name are one group: their phones are counted once
        named = keyed_phones.outerjoin(U, U.c.id == keyed_phones.c.grp)
        by = _agent_group(keyed_phones.c.grp == _VIRTUAL_KEY, U.c.display_name)
        phones = (
            sa.select(keyed_phones.c.period, by.label("grp"), keyed_phones.c.phone)
            .select_from(named)
            .distinct()
            .subquery("phones")
        )
    else:
        phones = keyed_phones
    reached = sa.select(
        sa.literal("reached", text),
        ask.period_name(phones.c.period),
        phones.c.grp,
        none,
        none,
        sa.func.count(),
        none,
        none,
    ).group_by(phones.c.period, phones.c.grp)
    outcomes = (
        sa.select(
            sa.literal("delivery", text),
            ask.period_name(read.c.period),
            grp,
            read.c.status,
            read.c.error_code,
            sa.func.sum(read.c.outbound),
            none,
            none,
        )
        # no WHERE: the CTE's filter estimate (0.5 %) made PostgreSQL sort 110,000 rows;
        # inbound messages have no status here and form groups of no outbound message
        .group_by(read.c.period, read.c.grp, read.c.status, read.c.error_code)
        .having(sa.func.sum(read.c.outbound) > 0)
    )
    parts = [per_group, reached, outcomes]
    if heatmap_counted(ask):
        heat = (
            sa.select(
                sa.literal("heatmap", text),
                none,
                none,
                none,
                none,
                read.c.weekday,
                read.c.hour,
                sa.func.count(),
            )
            .where(read.c.inbound == 1)
            .group_by(read.c.weekday, read.c.hour)
        )
        parts.append(heat)
    return sa.union_all(*parts)  # type: ignore[return-value]


_MESSAGE_VALUES = (
    "inbound",
    "outbound",
    "segments",
    "phone",
    "status",
    "error_code",
    "weekday",
    "hour",
)


def heatmap_counted(ask: Ask) -> bool:
    """`messages` counts the heatmap: one row per message (every grouping but labels)."""
    return ask.group != GroupBy.LABEL


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
    return _per_period(ask, g, sa.func.count(sa.distinct(g.c.phone)).label("opted_out"))
