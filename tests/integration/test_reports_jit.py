"""The Reports page's read compiles no JIT code on PostgreSQL: the first response's estimate
passes jit_above_cost, and compiling its plan cost more than running it (docs/performance.md
"## Reports"). The setting is the read's own: the pool's connections keep the server's."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.domain.reports import Grain, GroupBy, Period
from agent_workspace.services.accounts import auth
from agent_workspace.services.reports.report import build_report
from tests.support import report_fixture
from tests.support.report_fixture import ZONE

WEEK = Period(date(2026, 12, 1), date(2026, 12, 7), Grain.DAY, ZONE)


def test_the_report_reads_without_jit_and_leaves_the_pool_as_it_was(engine: Engine) -> None:
    report_fixture.build(engine)
    _, sue = auth.sign_in(username="sue", password="sue-pass-phrase")
    said: list[str] = []

    def heard(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        said.append(statement)

    sa.event.listen(engine, "before_cursor_execute", heard)
    try:
        build_report(actor=sue, period=WEEK, group=GroupBy.AGENT)
    finally:
        sa.event.remove(engine, "before_cursor_execute", heard)

    first_read = next(i for i, s in enumerate(said) if "FROM message" in s)
    jit_off = [i for i, s in enumerate(said) if s == "SET LOCAL jit = off"]
    if engine.dialect.name == "postgresql":
        assert jit_off and jit_off[0] < first_read
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW jit").scalar() == "on"
    else:
        assert jit_off == []  # SQLite has no JIT
