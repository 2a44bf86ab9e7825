"""What a hostile canned-reply search costs now that searches are bounded, on SQLite and PostgreSQL.

Before the bound, the canned-reply search added one ILIKE per word with no cap: 8 searches of
40,000 words took 13.3 s each on PostgreSQL and held another agent's list search at 87.9 s
(0.02 s alone). Seeds the 200 replies an agent is shown, then times with the service call a
state handler makes (`replies_for`), p50 and p99 over the runs: the search of the most words
allowed (domain/inputs.py SEARCH_WORDS, each word in every title), and a 40,000-word search,
which is now refused before any query. Baseline: the same call with no search. Target: p99 <=
50 ms, so no search holds the others back.

Usage: .venv/bin/python -m benchmarks.searches [--quick]
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import make_engine, transaction
from agent_workspace.domain.inputs import SEARCH_WORDS
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts.users import create_user
from agent_workspace.services.conversation.canned_replies import LISTED, create_reply, replies_for
from agent_workspace.services.errors import InvalidInput
from benchmarks.figures import Figure, median, percentile, print_figures, progress, timed_ms
from tests.support import databases

TARGET_MS = 50.0
WORDS = ("refund", "policy", "store", "credit", "thirty", "days", "receipt", "manager")
HOSTILE = "a " * 40_000


_log = progress("searches")


def _refused(agent: Actor, engine: Engine) -> None:
    try:
        replies_for(actor=agent, search=HOSTILE, engine=engine)
    except InvalidInput:
        return
    raise RuntimeError("a 40,000-word search was not refused")


def _seed(engine: Engine) -> Actor:
    with transaction(engine) as session:
        user = create_user(
            session=session,
            username="agent",
            display_name="Agent",
            password=secrets.token_urlsafe(16),  # nobody signs in: the actor is built here
            roles=(Role.AGENT, Role.ADMIN),
        )
        user_id = user.id
    assert user_id is not None
    actor = Actor(user_id, "agent", "Agent", frozenset({Role.AGENT, Role.ADMIN}))
    for n in range(LISTED):
        title = f"{' '.join(WORDS)} {n}"[:80]
        create_reply(actor=actor, title=title, body="Thank you.", shared=True, engine=engine)
    return actor


def _databases(tmp: Path) -> Iterator[tuple[str, str]]:
    template = databases.migrated_sqlite_template(tmp)
    yield "SQLite", databases.fresh_sqlite(template, tmp)
    with databases.postgres_database() as url:
        yield "PostgreSQL", url


def measure(label: str, url: str, *, runs: int) -> list[Figure]:
    engine = make_engine(url)
    try:
        agent = _seed(engine)
        base = timed_ms(lambda: replies_for(actor=agent, engine=engine), runs)
        baseline = percentile(base, 99)
        most = " ".join(WORDS[:SEARCH_WORDS])
        cases = {
            f"{SEARCH_WORDS} words (the most allowed)": lambda: replies_for(
                actor=agent, search=most, engine=engine
            ),
            "40,000 words (refused)": lambda: _refused(agent, engine),
        }
        _log(f"{label} no search: p50 {median(base):.2f} ms, p99 {baseline:.2f} ms")
        figures = []
        for name, call in cases.items():
            samples = timed_ms(call, runs)
            p50, p99 = median(samples), percentile(samples, 99)
            _log(f"{label} {name}: p50 {p50:.3f} ms, p99 {p99:.3f} ms")
            figures.append(
                Figure(
                    group="searches",
                    name=f"canned-reply search of {name} p99, {label}",
                    value=p99,
                    unit="ms",
                    baseline=baseline,
                    baseline_name=f"the {LISTED} replies, no search, p99",
                    target=f"<= {TARGET_MS:.0f} ms",
                    met=p99 <= TARGET_MS,
                    note=f"p50 {p50:.3f} ms over {runs} runs; unbounded: 13.3 s on PostgreSQL",
                )
            )
        return figures
    finally:
        engine.dispose()


def run(quick: bool) -> list[Figure]:
    runs = 20 if quick else 100
    figures: list[Figure] = []
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        for label, url in _databases(Path(tmp)):
            figures += measure(label, url, runs=runs)
    return figures


def main() -> None:
    print_figures(__doc__, run)


if __name__ == "__main__":
    main()
