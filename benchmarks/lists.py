"""How fast the interaction lists and search answer at scale, on SQLite and PostgreSQL.

Seeds 100,000 interactions / 1,000,000 messages (quick: 10,000 / 100,000) into a throwaway SQLite
file and a throwaway PostgreSQL database, then times each list the workspace asks for: the
service call `inbox()` as a state handler makes it (rows, people, unread counts), p50 and p99 over
50 runs after warm-up. Target: p99 <= 300 ms. Baseline: the bare indexed read of 50 rows
(`SELECT * FROM interaction ORDER BY id DESC LIMIT 50`) on the same database, so the ratio shows
what filtering, sorting, searching and building the rows cost on top of it.

Usage: .venv/bin/python -m benchmarks.lists [--quick]
"""

from __future__ import annotations

import gc
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import make_engine
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.interactions.inbox import (
    Cursor,
    ListQuery,
    Scope,
    Sort,
    StateFilter,
    inbox,
    unread_total,
)
from agent_workspace.web import collector
from benchmarks.figures import Figure, median, percentile, print_figures, progress, timed_ms
from benchmarks.seed_scale import SeedFacts, seed
from tests.support import databases

TARGET_MS = 300.0
BASELINE_SQL = "SELECT * FROM interaction ORDER BY id DESC LIMIT 50"


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[], object]


_log = progress("lists")


def _later_cursor(agent: Actor, engine: Engine, pages: int) -> Cursor | None:
    """The cursor an agent holds after scrolling `pages` pages of their list (any state)."""
    cursor = None
    for _ in range(pages):
        page = inbox(
            actor=agent, query=ListQuery(state=StateFilter.ANY, after=cursor), engine=engine
        )
        if page.next is None:
            break
        cursor = page.next
    return cursor


def cases(facts: SeedFacts, engine: Engine) -> list[Case]:
    agent = Actor(facts.busiest_agent_id, "agent", "Agent", frozenset({Role.AGENT}))
    boss = Actor(
        facts.supervisor_id, "supervisor", "Supervisor", frozenset({Role.AGENT, Role.SUPERVISOR})
    )
    later = _later_cursor(agent, engine, 10)

    def page(actor: Actor, **query: object) -> Callable[[], object]:
        return lambda: inbox(actor=actor, query=ListQuery(**query), engine=engine)  # type: ignore[arg-type]

    everything = {"scope": Scope.ALL, "state": StateFilter.ANY}
    return [
        Case("My Interactions, first page", page(agent)),
        Case("My Interactions, page 11 (keyset)", page(agent, state=StateFilter.ANY, after=later)),
        Case("My Interactions, unread total", lambda: unread_total(actor=agent, engine=engine)),
        Case("All Interactions, first page (open)", page(boss, scope=Scope.ALL)),
        Case("All Interactions, any state", page(boss, **everything)),
        Case("filter: closed (mine)", page(agent, state=StateFilter.CLOSED)),
        Case("filter: any state (mine)", page(agent, state=StateFilter.ANY)),
        Case(
            "filter: type phone (mine, any state)",
            page(agent, state=StateFilter.ANY, type=InteractionType.PHONE),
        ),
        Case(
            "filter: type email (all, any state)",
            page(boss, **everything, type=InteractionType.EMAIL),
        ),
        Case("filter: unassigned", page(agent, scope=Scope.UNASSIGNED)),
        Case("filter: virtual agent", page(agent, scope=Scope.VIRTUAL_AGENT)),
        Case(
            "filter: virtual agent, closed",
            page(agent, scope=Scope.VIRTUAL_AGENT, state=StateFilter.CLOSED),
        ),
        Case("sort: waiting longest (all, open)", page(boss, scope=Scope.ALL, sort=Sort.WAITING)),
        Case("sort: newest (all, any state)", page(boss, **everything, sort=Sort.NEWEST)),
        Case("search: number (all)", page(boss, **everything, search=facts.sample_number)),
        Case("search: person name (all)", page(boss, **everything, search=facts.sample_name)),
        Case("search: phone (all)", page(boss, **everything, search=facts.sample_phone)),
        Case(
            "search: rare word in messages (all)", page(boss, **everything, search=facts.rare_word)
        ),
        Case(
            "search: common word in messages (all)",
            page(boss, **everything, search=facts.common_word),
        ),
        Case("search: person name (mine, open)", page(agent, search=facts.sample_name)),
    ]


def _databases(tmp: Path) -> Iterator[tuple[str, str]]:
    template = databases.migrated_sqlite_template(tmp)
    yield "SQLite", databases.fresh_sqlite(template, tmp)
    with databases.postgres_database() as url:
        yield "PostgreSQL", url


def measure(label: str, url: str, *, interactions: int, messages: int, runs: int) -> list[Figure]:
    engine = make_engine(url)
    thresholds = gc.get_threshold()
    try:
        _log(f"seeding {label}: {interactions:,} interactions, {messages:,} messages")
        facts = seed(engine, interactions=interactions, messages=messages)
        _log(f"seeded {label} in {facts.seconds:.0f} s ({facts.messages:,} messages)")
        # The server's collector, as it runs there: full passes over what this process holds
        # (the seed's objects) had landed in whichever case was being timed.
        collector.tune()
        with engine.connect() as conn:
            base = timed_ms(lambda: conn.execute(sa.text(BASELINE_SQL)).all(), runs)
        baseline = percentile(base, 99)
        scale = f"{interactions // 1000}k/{facts.messages / 1e6:.1f}M"
        figures = []
        for case in cases(facts, engine):
            samples = timed_ms(case.call, runs)
            p50, p99 = median(samples), percentile(samples, 99)
            _log(f"{label} {case.name}: p50 {p50:.1f} ms, p99 {p99:.1f} ms")
            figures.append(
                Figure(
                    group="lists",
                    name=f"{case.name} p99, {label} {scale}",
                    value=p99,
                    unit="ms",
                    baseline=baseline,
                    baseline_name="50 rows by primary key, p99",
                    target=f"<= {TARGET_MS:.0f} ms",
                    met=p99 <= TARGET_MS,
                    note=f"p50 {p50:.1f} ms over {runs} runs",
                )
            )
        return figures
    finally:
        gc.unfreeze()
        gc.set_threshold(*thresholds)
        engine.dispose()


def run(quick: bool) -> list[Figure]:
    interactions, messages = (10_000, 100_000) if quick else (100_000, 1_000_000)
    runs = 15 if quick else 50
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        for label, url in _databases(Path(tmp)):
            figures += measure(label, url, interactions=interactions, messages=messages, runs=runs)
    return figures


def main() -> None:
    print_figures(__doc__, run)


if __name__ == "__main__":
    main()
