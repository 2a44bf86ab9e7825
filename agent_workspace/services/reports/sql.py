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


class local_bucket(FunctionElement[str]):
    """The period a moment falls in, as ISO text: local date, or its week's Monday."""

    type = sa.String()
    inherit_cache = True


class local_weekday(FunctionElement[int]):
    """0 (Monday) to 6 (Sunday) in the zone."""

    type = sa.Integer()
    inherit_cache = True


class local_hour(FunctionElement[int]):
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


@compiles(local_bucket, "postgresql")
def _pg_bucket(element: local_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    moment, zone, grain = _args(element, compiler, **kw)
    return f"to_char(date_trunc({grain}, {moment} AT TIME ZONE {zone}), 'YYYY-MM-DD')"


@compiles(local_weekday, "postgresql")
def _pg_weekday(element: local_weekday, compiler: SQLCompiler, **kw: Any) -> str:
    moment, zone = _args(element, compiler, **kw)
    return f"CAST(EXTRACT(ISODOW FROM {moment} AT TIME ZONE {zone}) AS INTEGER) - 1"


@compiles(local_hour, "postgresql")
def _pg_hour(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    moment, zone = _args(element, compiler, **kw)
    return f"CAST(EXTRACT(HOUR FROM {moment} AT TIME ZONE {zone}) AS INTEGER)"


@compiles(seconds_between, "postgresql")
def _pg_seconds(element: seconds_between, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _args(element, compiler, **kw)
    return f"CAST(ROUND(EXTRACT(EPOCH FROM ({end} - {start}))) AS INTEGER)"


@compiles(percentile_of, "postgresql")
def _pg_percentile(element: percentile_of, compiler: SQLCompiler, **kw: Any) -> str:
    value, p = _args(element, compiler, **kw)
    return f"percentile_disc({p} / 100.0) WITHIN GROUP (ORDER BY {value})"


@compiles(local_bucket, "sqlite")
def _lite_bucket(element: local_bucket, compiler: SQLCompiler, **kw: Any) -> str:
    return "aw_bucket({}, {}, {})".format(*_args(element, compiler, **kw))


@compiles(local_weekday, "sqlite")
def _lite_weekday(element: local_weekday, compiler: SQLCompiler, **kw: Any) -> str:
    return "aw_weekday({}, {})".format(*_args(element, compiler, **kw))


@compiles(local_hour, "sqlite")
def _lite_hour(element: local_hour, compiler: SQLCompiler, **kw: Any) -> str:
    return "aw_hour({}, {})".format(*_args(element, compiler, **kw))


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


def register(connection: sa.Connection) -> None:
    """Makes the SQLite spellings callable on this connection. On PostgreSQL, turns JIT off for
    the read's transaction alone: the first response's estimate passes jit_above_cost, and
    compiling its plan took longer than running it (docs/performance.md "## Reports")."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("SET LOCAL jit = off")
    if connection.dialect.name != "sqlite":
        return
    raw: Any = connection.connection.driver_connection
    raw.create_function("aw_bucket", 3, _bucket, deterministic=True)
    raw.create_function("aw_weekday", 2, _weekday, deterministic=True)
    raw.create_function("aw_hour", 2, _hour, deterministic=True)
    raw.create_aggregate("aw_percentile", 2, _Percentile)
