"""Prints the plan of every query a list case runs: EXPLAIN QUERY PLAN on SQLite, EXPLAIN
(ANALYZE, BUFFERS) on PostgreSQL, for the statements `inbox()` actually sends (captured from the
engine, with their parameters), so the documented plans are the ones the service gets.

Usage: .venv/bin/python -m benchmarks.explain_lists URL [--case TEXT ...]
(URL: a database filled by benchmarks.seed_scale; its facts are read back from the data.)
"""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import make_engine
from benchmarks.lists import cases
from benchmarks.seed_scale import facts_of


def plans(engine: Engine, call: Any) -> list[tuple[str, str]]:
    """(statement, plan) of each SELECT the call sends, in order."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    postgres = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " if postgres else "EXPLAIN QUERY PLAN "
    found = []
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        for statement, parameters in sent:
            cursor = raw.cursor()
            cursor.execute(prefix + statement, parameters)
            rows = cursor.fetchall()
            if postgres:
                text = "\n".join(r[0] for r in rows)
            else:
                depth: dict[int, int] = {0: 0}
                lines = []
                for node, parent, _, detail in rows:
                    depth[node] = depth.get(parent, 0) + 1
                    lines.append("  " * (depth[node] - 1) + detail)
                text = "\n".join(lines)
            found.append((statement, text))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--case", nargs="*", default=[])
    parser.add_argument("--all-queries", action="store_true", help="not only the page query")
    args = parser.parse_args()
    engine = make_engine(args.url)
    with engine.connect() as conn:
        facts = facts_of(conn)
    for case in cases(facts, engine):
        if args.case and not any(c in case.name for c in args.case):
            continue
        found = plans(engine, case.call)
        print(f"### {case.name}\n")
        for statement, plan in found if args.all_queries else found[:1]:
            print("```sql\n" + " ".join(statement.split()) + "\n```\n```\n" + plan + "\n```\n")
    engine.dispose()


if __name__ == "__main__":
    main()
