"""The expressions the report's SQL needs that PostgreSQL and SQLite spell differently: a
moment's local day or week, weekday and hour in the desk's zone; whole seconds between two
moments; and the nearest-rank percentile (domain/figures.py percentile).

PostgreSQL computes them itself (`AT TIME ZONE`, `date_trunc`, `percentile_disc`). SQLite has
no time zones and no percentile: there they are Python functions registered on the connection
for the read (`register`), the percentile an aggregate that collects the group's values and
calls domain/figures.py percentile, so the same statement runs on both.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from agent_workspace.domain import figures
from agent_workspace.domain.reports import bucket_of


class local_bucket(FunctionElement[Any]):
    """The period a moment falls in: (moment, zone, grain, starts), `starts` the UTC instants
    the periods begin at (domain/reports.py period_starts). Grouped by as it is: `bucket_text`
    spells it once per group, not once per row."""

    inherit_cache = True


class bucket_text(FunctionElement[str]):
    """A `local_bucket` as ISO text, the local date or its week's Monday: (bucket, names)."""

    type = sa.String()
    inherit_cache = True


class local_weekday(FunctionElement[int]):
    """0 (Monday) to 6 (Sunday) in the zone: (moment, zone, hour starts, their weekdays)."""

    type = sa.Integer()
    inherit_cache = True


class local_hour(FunctionElement[int]):
    """0 to 23 in the zone: (moment, zone, hour starts, their hours)."""

    type = sa.Integer()
    inherit_cache = True


class seconds_between(FunctionElement[int]):
    """Whole seconds from the first moment to the second (rounded)."""

    type = sa.Integer()
    inherit_cache = True


class percentile_of(FunctionElement[int]):
    """The nearest-rank percentile of an integer column over the group: (value, p)."""

    type = sa.Integer()
    inherit_cache = True


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(c, **kw) for c in element.clauses]


# PostgreSQL places a moment among the periods' (or hours') UTC starts with width_bucket, a
# binary search over a bound array: turning each moment into local time (AT TIME ZONE, then
# date_trunc or EXTRACT) cost about 300 ms per 240,000 messages, the array about 20 ms.
def _arg(element: FunctionElement[Any], n: int, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[n], **kw)


def _pg_place(moment: str, starts: str) -> str:
    return f"width_bucket({moment}, CAST({starts} AS TIMESTAMPTZ[]))"


@compiles(local_bucket, "postgresql")
def _pg_bucket(element: local_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    return _pg_place(_arg(element, 0, compiler, **kw), _arg(element, 3, compiler, **kw))


@compiles(bucket_text, "postgresql")
def _pg_bucket_text(element: bucket_text, compiler: SQLCompiler, **kw: Any) -> str:
    bucket, names = _args(element, compiler, **kw)
    return f"(CAST({names} AS TEXT[]))[{bucket}]"


def _pg_of_hour(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    moment, starts, values = (_arg(element, n, compiler, **kw) for n in (0, 2, 3))
    return f"(CAST({values} AS INTEGER[]))[{_pg_place(moment, starts)}]"


@compiles(local_weekday, "postgresql")
def _pg_weekday(element: local_weekday, compiler: SQLCompiler, **kw: Any) -> str:
    return _pg_of_hour(element, compiler, **kw)


@compiles(local_hour, "postgresql")
def _pg_hour(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return _pg_of_hour(element, compiler, **kw)


@compiles(seconds_between, "postgresql")
def _pg_seconds(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS INTEGER)"


@compiles(percentile_of, "postgresql")
def _pg_percentile(element: percentile_of, compiler: SQLCompiler, **kw: Any) -> str:
    value, p = _args(element, compiler, **kw)
    return f"percentile_disc({p} / 100.0) WITHIN GROUP (ORDER BY {value})"


def _first_two(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    return _arg(element, 0, compiler, **kw), _arg(element, 1, compiler, **kw)


@compiles(local_bucket, "sqlite")
def _lite_bucket(element: local_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    moment, zone, grain = (_arg(element, n, compiler, **kw) for n in (0, 1, 2))
    return f"aw_bucket({moment}, {zone}, {grain})"


@compiles(bucket_text, "sqlite")
def _lite_bucket_text(element: bucket_text, compiler: SQLCompiler, **kw: Any) -> str:
    return _arg(element, 0, compiler, **kw)  # aw_bucket is the text already


@compiles(local_weekday, "sqlite")
def _lite_weekday(element: local_weekday, compiler: SQLCompiler, **kw: Any) -> str:
    return "aw_weekday({}, {})".format(*_first_two(element, compiler, **kw))


@compiles(local_hour, "sqlite")
def _lite_hour(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return "aw_hour({}, {})".format(*_first_two(element, compiler, **kw))


@compiles(seconds_between, "sqlite")
def _lite_seconds(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(ROUND((julianday({end}) - julianday({start})) * 86400) AS INTEGER)"


@compiles(percentile_of, "sqlite")
def _lite_percentile(element: percentile_of, compiler: SQLCompiler, **kw: Any) -> str:
    return "aw_percentile({}, {})".format(*_args(element, compiler, **kw))


def _local(stored: str | None, zone: str) -> datetime | None:
    """A moment as SQLite holds it (UTC text), in `zone`."""
    if stored is None:
        return None
    return datetime.fromisoformat(stored).replace(tzinfo=UTC).astimezone(ZoneInfo(zone))


def _bucket(stored: str | None, zone: str, grain: str) -> str | None:
    moment = _local(stored, zone)
    return None if moment is None else bucket_of(moment, zone, grain)


def _weekday(stored: str | None, zone: str) -> int | None:
    moment = _local(stored, zone)
    return None if moment is None else moment.weekday()


def _hour(stored: str | None, zone: str) -> int | None:
    moment = _local(stored, zone)
    return None if moment is None else moment.hour


class _Percentile:
    """SQLite aggregate: domain/figures.py percentile over the group's non-null values."""

    def __init__(self) -> None:
        self.values: list[int] = []
        self.p = 50

    def step(self, value: int | None, p: int) -> None:
        self.p = p
        if value is not None:
            self.values.append(value)

    def finalize(self) -> int | None:
        return figures.percentile(self.values, self.p)


WORK_MEM = "64MB"


def register(connection: sa.Connection) -> None:
    """Makes the SQLite spellings callable on this connection. On PostgreSQL, for the read's
    transaction alone: JIT off (the first response's estimate passed jit_above_cost, and
    compiling its plan took longer than running it), and work_mem 64 MB, so the period's
    messages (about 25 MB at 90 days of 1M messages) are held and grouped in memory rather
    than spilled to disk (docs/performance.md "## Reports")."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL jit = off")
        connection.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
    if connection.dialect.name != "sqlite":
        return
    raw: Any = connection.connection.driver_connection
    raw.create_function("aw_bucket", 3, _bucket, deterministic=True)
    raw.create_function("aw_weekday", 2, _weekday, deterministic=True)
    raw.create_function("aw_hour", 2, _hour, deterministic=True)
    raw.create_aggregate("aw_percentile", 2, _Percentile)
