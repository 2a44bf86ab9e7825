"""How long the Reports page's one read takes at scale on PostgreSQL, beside the floor.

Seeds 100,000 interactions / 1,000,000 messages (quick: 10,000 / 100,000) into a throwaway
PostgreSQL database, then times `build_report` as the page's handler calls it (a supervisor,
every figure: conversations, times with their percentiles, messages and segments, delivery
outcomes, opt-outs, the heatmap), for the seed's last 7 days per day and its last 90 days per
week by agent, p50 and p99 over the runs. Target: p99 <= 1 s. Baseline (the floor): the same
SQL statements, compiled once, run through the raw driver (psycopg) on one connection, in a
transaction with JIT off as the page's read has it.

Usage: .venv/bin/python -m benchmarks.reports [--quick] [--keep NAME]

--keep NAME seeds a database NAME beside 'test' once and keeps it: later runs with the same
NAME migrate it to the head (as an operator would, backfills included) and time it again
without seeding (a seed of 1M messages takes minutes on this machine).
"""

from __future__ import annotations

import argparse
import functools
import time
from collections.abc import Callable
from datetime import date

import psycopg
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.cli import migrate as migrate_to_head
from agent_workspace.db.engine import make_engine
from agent_workspace.domain.reports import Grain, GroupBy, Period
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.reports import figures
from agent_workspace.services.reports.report import build_report
from agent_workspace.services.reports.sql import WORK_MEM
from benchmarks.figures import Figure, median, percentile, progress, timed_ms
from benchmarks.seed_scale import SeedFacts, facts_of, seed
from tests.support import databases

TARGET_MS = 1000.0
ZONE = "America/New_York"
SELECTS = (
    figures.opened,
    figures.closed,
    figures.first_response,
    figures.resolution,
    figures.messages,  # in, out, segments, delivery, reached and the heatmap: one read
    figures.opt_outs,
)
# What the page reads again for the whole desk when grouped by agent: the times' percentiles
# (its conversations and messages are the groups' sums: services/reports/report.py).
CHARTED = (figures.first_response, figures.resolution)


_log = progress("reports")


def _raw(engine: Engine, url: str, period: Period, group: GroupBy) -> Callable[[], object]:
    """The report's statements through psycopg alone (the desk's charted ones too when
    grouped)."""
    start, end = period.bounds()
    asks = [figures.Ask(start, end, period.zone, period.grain.value, group)]
    if group != GroupBy.DESK:
        asks.append(figures.Ask(start, end, period.zone, period.grain.value, GroupBy.DESK))
    statements = []
    for ask in asks:
        charts_only = ask.group == GroupBy.DESK and group != GroupBy.DESK
        for select in CHARTED if charts_only else SELECTS:
            compiled = select(ask).compile(
                dialect=engine.dialect, compile_kwargs={"render_postcompile": True}
            )
            statements.append((str(compiled), compiled.params))
    dsn = sa.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    connection = psycopg.connect(dsn)

    def run() -> object:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")  # as the page's read does (reports/sql.py)
            cursor.execute(f"SET LOCAL work_mem = '{WORK_MEM}'")
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()
        connection.rollback()
        return None

    return run


def _seeded(engine: Engine, interactions: int, messages: int) -> SeedFacts:
    """The seed's facts: read back from a kept database that holds it, else seeded now."""
    with engine.connect() as conn:
        seeded = conn.exec_driver_sql("SELECT EXISTS (SELECT 1 FROM interaction)").scalar()
        if seeded:
            _log("reusing the kept seed")
            return facts_of(conn)
    _log(f"seeding PostgreSQL: {interactions:,} interactions, {messages:,} messages")
    facts = seed(engine, interactions=interactions, messages=messages)
    _log(f"seeded in {facts.seconds:.0f} s")
    return facts


def measure(url: str, *, interactions: int, messages: int, runs: int) -> list[Figure]:
    engine = make_engine(url)
    try:
        facts = _seeded(engine, interactions, messages)
        boss = Actor(facts.supervisor_id, "supervisor", "Supervisor", frozenset({Role.SUPERVISOR}))
        scale = f"{interactions // 1000}k/{facts.messages / 1e6:.1f}M"
        cases = {
            "last 7 days per day": (
                Period(date(2025, 12, 25), date(2025, 12, 31), Grain.DAY, ZONE),
                GroupBy.DESK,
            ),
            "last 90 days per week by agent": (
                Period(date(2025, 10, 3), date(2025, 12, 31), Grain.WEEK, ZONE),
                GroupBy.AGENT,
            ),
        }
        found = []
        for name, (period, group) in cases.items():
            call = functools.partial(
                build_report, actor=boss, period=period, group=group, engine=engine
            )
            report = timed_ms(call, runs, warm=2)
            floor = timed_ms(_raw(engine, url, period, group), runs, warm=2)
            p50, p99 = median(report), percentile(report, 99)
            _log(f"{name}: p50 {p50:.0f} ms, p99 {p99:.0f} ms; raw p99 {percentile(floor, 99):.0f}")
            found.append(
                Figure(
                    group="reports",
                    name=f"Reports page read, {name}, p99, PostgreSQL {scale}",
                    value=p99,
                    unit="ms",
                    baseline=percentile(floor, 99),
                    baseline_name="the same SQL through psycopg, p99",
                    target=f"<= {TARGET_MS:.0f} ms",
                    met=p99 <= TARGET_MS,
                    note=f"p50 {p50:.0f} ms over {runs} runs",
                )
            )
        return found
    finally:
        engine.dispose()


def _kept(name: str) -> str:
    """The URL of database `name` beside 'test', created if missing, migrated to the head."""
    admin = sa.create_engine(databases.PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            known = "SELECT 1 FROM pg_database WHERE datname = :name"
            if conn.execute(sa.text(known), {"name": name}).first() is None:
                conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    url = databases.PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    started = time.perf_counter()
    migrate_to_head(url)
    _log(f"migrated {name} to the head in {time.perf_counter() - started:.1f} s")
    return url


def run(quick: bool, keep: str | None = None) -> list[Figure]:
    interactions, messages = (10_000, 100_000) if quick else (100_000, 1_000_000)
    if keep is not None:
        return measure(_kept(keep), interactions=interactions, messages=messages, runs=5)
    with databases.postgres_database() as url:
        return measure(url, interactions=interactions, messages=messages, runs=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--keep", metavar="NAME", help="seed database NAME once and keep it")
    args = parser.parse_args()
    for figure in run(args.quick, args.keep):
        print(f"{figure.name:<70} {figure.value:8.1f} ms  ({figure.note})")


if __name__ == "__main__":
    main()
