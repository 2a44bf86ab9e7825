"""The Reports page's one read: who may ask (supervisors and administrators), then every figure
of the period in one read-only transaction, as tables (domain/reports.py Table) the page shows
and the CSV downloads write.

A table's columns are listed once (`COLUMNS`); a figure that joins later (SLA % met, the
business-hours variants of the times) is one more SQL select in figures.py merged here by
(period, group) and one more column name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import reading
from agent_workspace.domain.figures import opt_out_rate
from agent_workspace.domain.reports import (
    GROUP_TITLES,
    WEEKDAYS,
    GroupBy,
    Period,
    Table,
)
from agent_workspace.models import Role
from agent_workspace.services.access import Actor, require_any_role
from agent_workspace.services.reports import figures
from agent_workspace.services.reports.sql import register

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
        charted = _charted(connection, ask)
        tables = charted + _others(connection, ask)
        if group != GroupBy.DESK:
            whole = figures.Ask(start, end, period.zone, period.grain.value, GroupBy.DESK)
            charted = _charted(connection, whole)
    return Report(period, group, tables, charted)


def _rows(connection: sa.Connection, select: sa.Select[Any]) -> list[sa.Row[Any]]:
    return list(connection.execute(select))


def _charted(connection: sa.Connection, ask: figures.Ask) -> tuple[Table, ...]:
    """Conversations, times, messages: the tables the charts also show (for the whole desk)."""

    def rows(select: sa.Select[Any]) -> list[sa.Row[Any]]:
        return _rows(connection, select)

    who = GROUP_TITLES[ask.group]
    conversations = _merged(
        ("opened", rows(figures.opened(ask)), (0,)), ("closed", rows(figures.closed(ask)), (0,))
    )
    times = _merged(
        ("first", rows(figures.first_response(ask)), (0, None, None)),
        ("resolution", rows(figures.resolution(ask)), (0, None, None)),
    )
    volume = _merged(("messages", rows(figures.messages(ask)), (0, 0, 0)))
    return (
        Table("conversations", "Conversations", ("Period", who, "Opened", "Closed"), conversations),
        Table(
            "response-times",
            "Response and resolution times (calendar time, seconds)",
            (
                "Period",
                who,
                "First responses",
                "First response median (s)",
                "First response p90 (s)",
                "Resolved",
                "Resolution median (s)",
                "Resolution p90 (s)",
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


def _others(connection: sa.Connection, ask: figures.Ask) -> tuple[Table, ...]:
    """Delivery outcomes, opt-outs and the heatmap (the whole desk's, whatever the grouping)."""

    def rows(select: sa.Select[Any]) -> list[sa.Row[Any]]:
        return _rows(connection, select)

    who = GROUP_TITLES[ask.group]
    opted = _merged(
        ("opted", rows(figures.opt_outs(ask)), (0,)), ("reached", rows(figures.reached(ask)), (0,))
    )
    return (
        Table(
            "delivery",
            "Delivery outcomes by error code",
            ("Period", who, "Status", "Error code", "Messages"),
            tuple(tuple(r) for r in rows(figures.delivery(ask))),
        ),
        Table(
            "opt-outs",
            "Opt-outs",
            ("Period", who, "Opted out", "Reached", "Opt-out rate (%)"),
            tuple((*r, _rate(r[2], r[3])) for r in opted),
        ),
        _heatmap(rows(figures.heatmap(ask))),
    )


def _merged(
    *parts: tuple[str, Sequence[sa.Row[Any]], tuple[Any, ...]],
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


def _rate(opted_out: int, reached: int) -> float | None:
    """domain/figures.py opt_out_rate; none when more phones opted out than were reached
    (they stopped texts of an earlier period): that is no share of this one."""
    return opt_out_rate(opted_out, reached) if opted_out <= reached else None


def _heatmap(rows: Iterable[sa.Row[Any]]) -> Table:
    counts = [[0] * 24 for _ in range(7)]
    for weekday, hour, n in rows:
        counts[weekday][hour] = n
    return Table(
        "heatmap",
        "Inbound texts by weekday and hour",
        ("Weekday", *(f"{h:02d}" for h in range(24))),
        tuple((WEEKDAYS[d], *counts[d]) for d in range(7)),
    )
