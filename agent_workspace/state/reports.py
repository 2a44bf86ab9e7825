"""The Reports page: the period, grouping and zone a supervisor chose, the figures' tables and
charts, and a CSV download per figure. Every handler re-reads the session: only supervisors and
administrators read reports (services/reports/report.py checks it again)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain import times
from agent_workspace.domain.reports import (
    Grain,
    GroupBy,
    Period,
    Table,
    csv_name,
    default_period,
    duration_text,
    read_period,
    to_csv,
)
from agent_workspace.models import Role
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.reports.report import Report, build_report, may_read_reports
from agent_workspace.state.session import LOGIN_ROUTE, SessionState

SECONDS = " (s)"


@dataclasses.dataclass
class TableView:
    key: str
    title: str
    columns: list[str]
    rows: list[list[str]]


@dataclasses.dataclass
class HeatCell:
    label: str  # "Tuesday 10:00: 3 texts"
    count: int
    shade: str  # the cell's background, darker for more


@dataclasses.dataclass
class HeatRow:
    day: str
    cells: list[HeatCell]


def _cell(value: Any, seconds: bool) -> str:
    if seconds:
        return duration_text(value)
    if value is None:
        return "—"
    return f"{value:.1f}" if isinstance(value, float) else str(value)


def table_view(table: Table) -> TableView:
    """A table as the page shows it: durations in words (the CSV keeps the seconds)."""
    timed = [c.endswith(SECONDS) for c in table.columns]
    return TableView(
        table.key,
        table.title,
        [c.removesuffix(SECONDS) for c in table.columns],
        [[_cell(v, t) for v, t in zip(row, timed, strict=True)] for row in table.rows],
    )


def heat_rows(table: Table) -> list[HeatRow]:
    most = max((n for row in table.rows for n in row[1:] if isinstance(n, int)), default=0)
    rows = []
    for day, *counts in table.rows:
        cells = []
        for hour, n in enumerate(counts):
            # At most 70 % accent: its dark digits keep 5.4:1 contrast (90 % was 3.8:1).
            share = 0 if not most else round(70 * int(n or 0) / most)
            cells.append(
                HeatCell(
                    f"{day} {hour:02d}:00: {n} texts",
                    int(n or 0),
                    f"color-mix(in srgb, var(--accent-9) {share}%, var(--gray-2))",
                )
            )
        rows.append(HeatRow(str(day)[:3], cells))
    return rows


def _series(table: Table, names: dict[int, str]) -> list[dict[str, Any]]:
    """Chart points per period from the whole desk's table: column index -> series name."""
    return [
        {"period": row[0], **{name: row[i] or 0 for i, name in names.items()}} for row in table.rows
    ]


def _minutes(seconds: Any) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


class ReportsState(SessionState):
    refusal: str = ""
    error: str = ""
    first: str = ""
    last: str = ""
    grain: str = Grain.DAY.value
    group: str = GroupBy.DESK.value
    zone: str = times.FALLBACK
    tables: list[TableView] = []
    conversations_chart: list[dict[str, Any]] = []
    messages_chart: list[dict[str, Any]] = []
    times_chart: list[dict[str, Any]] = []
    heatmap: list[HeatRow] = []
    _files: dict[str, tuple[str, str]] = {}  # table key -> (file name, CSV text)

    @rx.event
    async def load(self) -> EventSpec | None:
        """on_load: the last seven days per day in the tab's zone, for the whole desk."""
        actor = await self._actor()
        self._show_actor(actor)
        if actor is None:
            return rx.redirect(LOGIN_ROUTE)
        zone = times.known_zone(self.time_zone)
        today = datetime.now(UTC).astimezone(ZoneInfo(zone)).date()
        return await self._read_report(default_period(today, zone), GroupBy.DESK)

    @rx.event
    async def show(self, form: dict[str, Any]) -> EventSpec | None:
        """The form's Show: the period, grouping and zone typed, or why not."""
        sent = form if isinstance(form, dict) else {}
        fields = {k: sent.get(k) for k in ("first", "last", "grain", "group", "zone")}
        if not all(isinstance(v, str) and len(v) <= 64 for v in fields.values()):
            self.error = "Fill in every field of the report."
            return None
        period, problem = read_period(
            str(fields["first"]), str(fields["last"]), str(fields["grain"]), str(fields["zone"])
        )
        if fields["group"] not in GroupBy.__members__.values():
            problem = problem or "Group by one of the choices."
        if period is None or problem:
            self.error = problem
            return None
        return await self._read_report(period, GroupBy(str(fields["group"])))

    async def _read_report(self, period: Period, group: GroupBy) -> EventSpec | None:
        actor = await self._actor()
        report = await self._serve(
            actor or Role.SUPERVISOR, build_report, show="refusal", period=period, group=group
        )
        if isinstance(report, ServiceError):
            self.tables, self._files = [], {}
            return None
        self.refusal = self.error = ""
        self.first, self.last = period.first.isoformat(), period.last.isoformat()
        self.grain, self.group, self.zone = period.grain.value, group.value, period.zone
        self._fill_report(report)
        return None

    def _fill_report(self, report: Report) -> None:
        self.tables = [table_view(t) for t in report.tables if t.key != "heatmap"]
        self._files = {
            t.key: (csv_name(t, report.period, report.group), to_csv(t)) for t in report.tables
        }
        conversations, times_, messages = report.desk[0], report.desk[1], report.desk[2]
        self.conversations_chart = _series(conversations, {2: "Opened", 3: "Closed"})
        self.messages_chart = _series(
            messages, {2: "Messages in", 3: "Messages out", 4: "Segments sent"}
        )
        self.times_chart = [  # a period with no response has no point, not a zero
            {
                "period": row[0],
                "First response median (min)": _minutes(row[3]),
                "Resolution median (min)": _minutes(row[6]),
            }
            for row in times_.rows
        ]
        self.heatmap = heat_rows(report.table("heatmap"))

    @rx.event
    async def download(self, key: str) -> EventSpec | None:
        """The figure's CSV, as shown: for a reader of reports only."""
        actor = await self._actor()
        allowed = await self._serve(actor or Role.SUPERVISOR, may_read_reports, show="")
        if isinstance(allowed, ServiceError):
            return rx.toast.error(allowed.message)
        if not isinstance(key, str) or key not in self._files:
            return rx.toast.error("Show the report first, then download its figures.")
        name, text = self._files[key]
        return rx.download(data=text, filename=name, mime_type="text/csv")
