"""The Reports page's one read: who may ask (supervisors and administrators), then every figure
of the period in one read-only transaction, as tables (domain/reports.py Table) the page shows
and the CSV downloads write.

SLA % met (first response; resolution; next response, of the conversations resolved in the
period) is read for the same conversations' spans by the SLA services' own reads of
policies and facts (services/sla/clocks.py) and decided by domain/sla.py met. The times come
in calendar time (SQL) and, when the channel has business hours, in open time (Python over the
same conversations' spans: SQL cannot walk a calendar); without hours those columns are empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.business_hours import Calendar, business_elapsed
from agent_workspace.domain.figures import median, opt_out_rate, p90, sla_met_percent
from agent_workspace.domain.reports import (
    ALL,
    GROUP_TITLES,
    WEEKDAYS,
    GroupBy,
    Period,
    Table,
)
from agent_workspace.domain.sla import Target, met
from agent_workspace.models import Channel, ChannelKind, Interaction, Role, SlaPolicy, utcnow
from agent_workspace.services.access import Actor, require_any_role
from agent_workspace.services.reports import figures
from agent_workspace.services.reports.sql import register
from agent_workspace.services.sla.calendars import calendar_of
from agent_workspace.services.sla.clocks import facts_of, policies_of

READERS = (Role.SUPERVISOR, Role.ADMIN)

Key = tuple[str, str]  # (period, group)


@dataclass(frozen=True)
class Report:
    period: Period
    group: GroupBy
    tables: tuple[Table, ...]  # conversations, times, messages, delivery, opt-outs, heatmap
    desk: tuple[Table, ...]  # the first three for the whole desk, which the charts show

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)


def may_read_reports(*, actor: Actor | None) -> Actor:
    """The actor, if they may read reports (a supervisor or an administrator)."""
    return require_any_role(actor, READERS)


def build_report(
    *, actor: Actor | None, period: Period, group: GroupBy, engine: Engine | None = None
) -> Report:
    """Every figure of `period` per `group` (and for the whole desk, for the charts)."""
    require_any_role(actor, READERS)
    start, end = period.bounds()
    with reading(engine) as session:
        connection = session.connection()
        register(connection)
        ask = figures.Ask(start, end, period.zone, period.grain.value, group)
        calendar = _desk_calendar(session)
        slas = session.exec(select(SlaPolicy.id).limit(1)).first() is not None
        sent = _Sent(_rows(connection, figures.messages(ask)))
        charted = _charted(session, ask, calendar, slas, sent.volume())
        desk = sent
        if group != GroupBy.DESK:
            whole = figures.Ask(start, end, period.zone, period.grain.value, GroupBy.DESK)
            if not figures.heatmap_counted(ask):  # by label: a message counted once per label
                desk = _Sent(_rows(connection, figures.messages(whole)))
        tables = charted + _others(connection, ask, sent, desk)
        if group != GroupBy.DESK:  # the charts: the whole desk, in calendar time
            if desk is sent:  # each message and conversation in one group: the groups' sums
                volume, counted = _desk_sums(sent.volume()), _desk_sums(charted[0].rows)
            else:
                volume, counted = desk.volume(), None
            charted = _charted(session, whole, None, False, volume, counted)
    return Report(period, group, tables, charted)


def _desk_sums(rows: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """(period, group, counts...) rows summed over the groups, per period: the whole desk's,
    when each message or conversation is in one group (by agent or provider number)."""
    found: dict[str, list[int]] = {}
    for period, _, *counts in rows:
        sums = found.setdefault(period, [0] * len(counts))
        for n, value in enumerate(counts):
            sums[n] += int(value)
    return [(period, ALL, *sums) for period, sums in sorted(found.items())]


def _desk_calendar(session: Session) -> Calendar | None:
    """The SMS channel's business hours (services/channels/business_hours.py), or None."""
    channel = session.exec(
        select(Channel.id).where(Channel.kind == ChannelKind.SMS).order_by(col(Channel.id))
    ).first()
    return None if channel is None else calendar_of(session, channel)


def _in_hours(
    calendar: Calendar | None,
    rows: Callable[[sa.Select[Any]], list[sa.Row[Any]]],
    spans: sa.Select[Any],
) -> list[tuple[Any, ...]]:
    """(period, group, median, p90) of the spans' open time in whole seconds; the spans are read
    only when the desk has business hours. SQL cannot walk a calendar: this is Python over the
    ordered select, with domain/figures.py percentiles."""
    if calendar is None:
        return []
    found: dict[Key, list[int]] = {}
    for period, group, started, ended, _ in rows(spans):
        seconds = round(business_elapsed(calendar, started, ended).total_seconds())
        found.setdefault((period, group), []).append(seconds)
    return [(*key, median(v), p90(v)) for key, v in found.items()]


def _sla_met(
    session: Session, spans: Sequence[sa.Row[Any]], kinds: Sequence[Target]
) -> list[list[tuple[Any, ...]]]:
    """Per kind, (period, group, % of decided targets met) of the spans' conversations under
    their SLA policy (services/sla/clocks.py, domain/sla.py met, domain/figures.py
    sla_met_percent); the policies and facts are read once for every kind."""
    ids = sorted({row[4] for row in spans})
    if not ids:
        return [[] for _ in kinds]
    found = session.exec(select(Interaction).where(col(Interaction.id).in_(ids))).all()
    policies = policies_of(session, found)
    facts = facts_of(session, [i for i in found if i.id in policies])
    now = utcnow()
    per_kind = []
    for kind in kinds:
        outcomes: dict[Key, list[bool | None]] = {}
        for period, group, _, _, interaction_id in spans:
            if interaction_id in policies:
                decided = met(policies[interaction_id], facts[interaction_id], kind, now)
                outcomes.setdefault((period, group), []).append(decided)
        per_kind.append([(*key, sla_met_percent(v)) for key, v in outcomes.items()])
    return per_kind


def _rows(connection: sa.Connection, select: sa.Select[Any]) -> list[sa.Row[Any]]:
    return list(connection.execute(select))


class _Sent:
    """The rows of figures.messages, split by figure."""

    def __init__(self, rows: Sequence[sa.Row[Any]]) -> None:
        """Rows of the same figure, period, group (and status and error code) are added up:
        by agent, agents who share a name come as a row each (figures.messages)."""
        merged: dict[tuple[Any, ...], list[Any]] = {}
        for row in rows:
            if row[0] not in ("messages", "delivery"):
                merged[tuple(row)] = []
                continue
            key, values = tuple(row[:5]), list(row[5:])
            if key in merged:
                before = merged[key]
                values = [None if v is None else s + v for s, v in zip(before, values, strict=True)]
            merged[key] = values
        self.rows = [(*key, *values) for key, values in merged.items()]

    def _of(self, kind: str) -> list[tuple[Any, ...]]:
        return [tuple(r[1:]) for r in self.rows if r[0] == kind]

    def volume(self) -> list[tuple[Any, ...]]:
        """(period, group, messages in, messages out, segments sent)."""
        return [(p, g, i, o, s) for p, g, _, _, i, o, s in self._of("messages")]

    def reached(self) -> list[tuple[Any, ...]]:
        """(period, group, phones reached), for those that reached one."""
        return [(p, g, n) for p, g, _, _, n, _, _ in self._of("reached")]

    def delivery(self) -> tuple[tuple[Any, ...], ...]:
        """(period, group, status, error code, messages), no error code first."""
        found = [(p, g, st, code, n) for p, g, st, code, n, *_ in self._of("delivery")]
        return tuple(sorted(found, key=lambda r: (r[0], r[1], r[2], r[3] is not None, r[3])))

    def heatmap(self) -> list[tuple[int, int, int]]:
        """(weekday, hour, inbound texts)."""
        return [(w, h, n) for *_, w, h, n in self._of("heatmap")]


def _charted(
    session: Session,
    ask: figures.Ask,
    calendar: Calendar | None,
    slas: bool,
    sent: Sequence[Sequence[Any]],
    counted: Sequence[Sequence[Any]] | None = None,
) -> tuple[Table, ...]:
    """Conversations, times, messages: the tables the charts also show (for the whole desk).
    `sent`: the messages' volume rows; `counted`: the conversations' (opened, closed) rows
    when the caller has them already (else read)."""
    connection = session.connection()

    def rows(select: sa.Select[Any]) -> list[sa.Row[Any]]:
        return _rows(connection, select)

    def sla(spans: sa.Select[Any], *kinds: Target) -> list[list[tuple[Any, ...]]]:
        return _sla_met(session, rows(spans), kinds) if slas else [[] for _ in kinds]

    who = GROUP_TITLES[ask.group]
    conversations = (
        tuple(tuple(row) for row in counted)
        if counted is not None
        else _merged(
            ("opened", rows(figures.opened(ask)), (0,)),
            ("closed", rows(figures.closed(ask)), (0,)),
        )
    )
    (first_sla,) = sla(figures.first_response_spans(ask), Target.FIRST_RESPONSE)
    # Next responses: of the conversations resolved in the period (every wait of theirs is
    # over), the share whose next responses all met the target.
    resolution_sla, next_sla = sla(
        figures.resolution_spans(ask), Target.RESOLUTION, Target.NEXT_RESPONSE
    )
    times = _merged(
        ("first", rows(figures.first_response(ask)), (0, None, None)),
        ("resolution", rows(figures.resolution(ask)), (0, None, None)),
        ("first_open", _in_hours(calendar, rows, figures.first_response_spans(ask)), (None, None)),
        ("resolution_open", _in_hours(calendar, rows, figures.resolution_spans(ask)), (None, None)),
        ("first_sla", first_sla, (None,)),
        ("resolution_sla", resolution_sla, (None,)),
        ("next_sla", next_sla, (None,)),
    )
    volume = _merged(("messages", sent, (0, 0, 0)))
    return (
        Table("conversations", "Conversations", ("Period", who, "Opened", "Closed"), conversations),
        Table(
            "response-times",
            "Response and resolution times",
            (
                "Period",
                who,
                "First responses",
                "First response median (s)",
                "First response p90 (s)",
                "Resolved",
                "Resolution median (s)",
                "Resolution p90 (s)",
                "First response median, business hours (s)",
                "First response p90, business hours (s)",
                "Resolution median, business hours (s)",
                "Resolution p90, business hours (s)",
                "First response SLA met (%)",
                "Resolution SLA met (%)",
                "Next response SLA met (%), conversations resolved",
            ),
            times,
        ),
        Table(
            "messages",
            "Messages and segments",
            ("Period", who, "Messages in", "Messages out", "Segments sent"),
            volume,
        ),
    )


def _others(
    connection: sa.Connection, ask: figures.Ask, sent: _Sent, desk: _Sent
) -> tuple[Table, ...]:
    """Delivery outcomes, opt-outs and the heatmap (the whole desk's, whatever the grouping)."""

    def rows(select: sa.Select[Any]) -> list[sa.Row[Any]]:
        return _rows(connection, select)

    who = GROUP_TITLES[ask.group]
    opted = _merged(("opted", rows(figures.opt_outs(ask)), (0,)), ("reached", sent.reached(), (0,)))
    return (
        Table(
            "delivery",
            "Delivery outcomes by error code",
            ("Period", who, "Status", "Error code", "Messages"),
            tuple(_plain_row(r) for r in sent.delivery()),
        ),
        Table(
            "opt-outs",
            "Opt-outs",
            ("Period", who, "Opted out", "Reached", "Opt-out rate (%)"),
            tuple((*r, _rate(r[2], r[3])) for r in opted),
        ),
        _heatmap(desk.heatmap()),
    )


def _merged(
    *parts: tuple[str, Sequence[Sequence[Any]], tuple[Any, ...]],
) -> tuple[tuple[Any, ...], ...]:
    """Rows of several selects keyed by (period, group), side by side; a part a key lacks gets
    its `empty` values (no conversation opened is 0 opened, its median none)."""
    found: dict[Key, dict[str, tuple[Any, ...]]] = {}
    for name, rows, _ in parts:
        for row in rows:
            found.setdefault((row[0], row[1]), {})[name] = tuple(row[2:])
    return tuple((*key, *_values(found[key], parts)) for key in sorted(found))


def _values(
    got: dict[str, tuple[Any, ...]], parts: Iterable[tuple[str, Any, tuple[Any, ...]]]
) -> list[Any]:
    out: list[Any] = []
    for name, _, empty in parts:
        out.extend(_plain(v) for v in got.get(name, empty))
    return out


def _plain(value: Any) -> Any:
    """Numbers as Python ints (PostgreSQL's SUM is a Decimal)."""
    return int(value) if value is not None and not isinstance(value, (str, float)) else value


def _plain_row(row: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(_plain(v) for v in row)


def _rate(opted_out: int, reached: int) -> float | None:
    """domain/figures.py opt_out_rate; none when more phones opted out than were reached
    (they stopped texts of an earlier period): that is no share of this one."""
    return opt_out_rate(opted_out, reached) if opted_out <= reached else None


def _heatmap(rows: Iterable[Sequence[Any]]) -> Table:
    counts = [[0] * 24 for _ in range(7)]
    for weekday, hour, n in rows:
        counts[int(weekday)][int(hour)] = int(n)
    return Table(
        "heatmap",
        "Inbound texts by weekday and hour",
        ("Weekday", *(f"{h:02d}" for h in range(24))),
        tuple((WEEKDAYS[d], *counts[d]) for d in range(7)),
    )
