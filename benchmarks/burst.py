"""Burst: a flood of signed webhooks while agents watch a list, as Twilio would send it.

A production workspace started as the e2e tests start it (tests/support/servers.py): SQLite with one
worker, and PostgreSQL + Redis with two workers. WEBHOOKS signed inbound webhooks from PHONES new
numbers are written over about SECONDS (one every 5 ms, each on a connection of its own while the
others wait for answers, as Twilio opens them), each given TWILIO_TIMEOUT_S to be answered 200,
after which its connection is closed, as Twilio closes it. Every text opens or joins an
interaction held by the virtual agent, so it moves the Virtual agent list.

Each database is measured twice on the same server: with no tab open (the baseline: the same
burst, new numbers) and with TABS browserless agent tabs (benchmarks/wsclient.py) showing the
Virtual agent list, re-reading it at every push as the page does. Figures: % answered 200 within
15 s, % stored (rows in accepted_webhook), the answer's p50/p99 (a text not answered counts as
15 s), the time from the last webhook's write until a watching tab (the first, and the last of
them) shows it in its list, and until every text is routed into a message. Reflex's "lock held
too long" warnings in the server's log are counted too (the Redis state manager's).

Usage: .venv/bin/python -m benchmarks.all --only burst [--quick]
       .venv/bin/python -m benchmarks.burst [--quick] [--only sqlite|postgresql]
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

from agent_workspace.config import SIMULATOR_ACCOUNT_SID
from benchmarks import harness, wsclient
from benchmarks.figures import Figure, main_by_database, median, percentile

GROUP = "burst"
WEBHOOKS = 2_000
PHONES = 200
SECONDS = 10.0
TABS = 10
TWILIO_TIMEOUT_S = 15.0
SHOW_WAIT_S = 120.0  # bound on the wait for the last text in the tabs and in the messages
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/14"
VIRTUAL_AGENT = "virtual_agent"
TARGET_ACCEPT_P99_MS = 1_000.0


@dataclass
class Burst:
    """One burst's outcome; times in ms."""

    answered: list[float] = field(default_factory=list)  # round trips of the 200s in time
    late: int = 0  # not answered 200 within the timeout (closed, as Twilio does)
    failed: int = 0  # answered, but not 200
    lag_ms: float = 0.0  # how far the sender fell behind its schedule at worst
    stored: int = 0
    sent: int = 0
    last_shown_first: float | None = None
    last_shown_all: float | None = None
    routed_all: float | None = None
    lock_warnings: int = 0

    def round_trips(self) -> list[float]:
        return self.answered + [TWILIO_TIMEOUT_S * 1000] * (self.late + self.failed)


class Twilio(harness.WebhookTarget):
    """Writes prepared signed webhooks, a connection each while others await answers; kept-alive
    connections are reused, one not answered in time is closed."""

    def __init__(self, bench: harness.BenchWorkspace) -> None:
        super().__init__(bench)
        self.idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = []

    def request(self, sid: str, phone: str, body: str) -> bytes:
        form = {**harness.inbound_form(body), "From": phone, "To": harness.PROVIDER}
        form.update(SmsMessageSid=sid, SmsSid=sid, MessageSid=sid, AccountSid=SIMULATOR_ACCOUNT_SID)
        return self.signed(form)

    async def post(self, request: bytes, burst: Burst) -> float | None:
        """The round trip of one webhook in ms, or None (late or refused: counted in burst)."""
        stream = self.idle.pop() if self.idle else None
        if stream is None or stream[0].at_eof():
            stream = await asyncio.open_connection(self.host, self.port)
        reader, writer = stream
        started = time.perf_counter()
        try:
            async with asyncio.timeout(TWILIO_TIMEOUT_S):
                writer.write(request)
                status, headers = await harness._response_head(reader)
                await reader.readexactly(int(headers.get("content-length", "0")))
        except (TimeoutError, OSError, asyncio.IncompleteReadError):
            writer.close()
            burst.late += 1
            return None
        elapsed = (time.perf_counter() - started) * 1000
        if headers.get("connection", "").lower() == "close":
            writer.close()
        else:
            self.idle.append(stream)
        if status != 200:
            burst.failed += 1
            return None
        return elapsed

    def close(self) -> None:
        for _, writer in self.idle:
            writer.close()
        self.idle.clear()


async def _burst(
    bench: harness.BenchWorkspace,
    tabs: list[wsclient.AgentTab],
    count: int,
    seconds: float,
    first_phone: int,
) -> Burst:
    twilio = Twilio(bench)
    tag = uuid.uuid4().hex[:8]
    sids = [f"SM{tag}{i:024x}" for i in range(count)]
    bodies = [f"burst {tag} {i} is my order there" for i in range(count)]
    phones = [f"+1201555{first_phone + i % PHONES:04d}" for i in range(count)]
    requests = [twilio.request(s, p, b) for s, p, b in zip(sids, phones, bodies, strict=True)]
    burst = Burst(sent=count)
    # The last text's phone is routed last of all: its row tops the list by latest activity.
    shown = [tab.expect(f'"preview":"{bodies[-1]}') for tab in tabs]
    gap = seconds / count
    pending: list[asyncio.Task[float | None]] = []
    started = time.perf_counter()
    for i, request in enumerate(requests):
        due = started + i * gap
        if (wait := due - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        else:
            burst.lag_ms = max(burst.lag_ms, -wait * 1000)
        pending.append(asyncio.create_task(twilio.post(request, burst)))
    last_written = time.time() * 1000
    for result in await asyncio.gather(*pending):
        if result is not None:
            burst.answered.append(result)
    twilio.close()
    harness.log(
        f"burst {tag}: {len(burst.answered)} answered, {burst.late} late, {burst.failed} refused"
    )
    url = bench.server.env["AW_DATABASE_URL"]
    counting = asyncio.create_task(asyncio.to_thread(_stored_and_routed, url, tag, count))
    if shown:
        arrivals = await asyncio.gather(
            *(asyncio.wait_for(f, SHOW_WAIT_S) for f in shown), return_exceptions=True
        )
        times = [a - last_written for a in arrivals if isinstance(a, float)]
        burst.last_shown_first = min(times) if times else None
        burst.last_shown_all = max(times) if len(times) == len(shown) else None
    burst.stored, routed_at = await counting
    burst.routed_all = None if routed_at is None else routed_at - last_written
    return burst


_STORED = sa.text("SELECT count(*) FROM accepted_webhook WHERE sid LIKE :tag")
_ROUTED = sa.text("SELECT count(*) FROM message WHERE provider_sid LIKE :tag")


def _stored_and_routed(url: str, tag: str, count: int) -> tuple[int, float | None]:
    """Rows stored for the burst, and the wall-clock ms when the last of them was a message."""
    engine = sa.create_engine(url)
    pattern = {"tag": f"SM{tag}%"}
    try:
        deadline = time.monotonic() + SHOW_WAIT_S
        with engine.connect() as conn:
            stored = int(conn.execute(_STORED, pattern).scalar_one())
            while time.monotonic() < deadline:
                routed = int(conn.execute(_ROUTED, pattern).scalar_one())
                conn.rollback()
                if routed >= stored:
                    return stored, time.time() * 1000
                time.sleep(0.05)
        return stored, None
    finally:
        engine.dispose()


def _lock_warnings(server_log: Path) -> int:
    try:
        return server_log.read_text(errors="replace").count("was held too long")
    except OSError:
        return 0


@contextlib.contextmanager
def _postgres() -> Iterator[str]:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aw_burst_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@contextlib.contextmanager
def _deployment(kind: str, data_dir: Path, agents: int) -> Iterator[harness.BenchWorkspace]:
    """As the e2e fixtures: SQLite, one worker; PostgreSQL + Redis, two workers."""
    if kind == "sqlite":
        with harness.seeded_workspace(data_dir, agents, join_live_group=False) as bench:
            yield bench
        return
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with (
        _postgres() as url,
        harness.seeded_workspace(
            data_dir,
            agents,
            join_live_group=False,
            extra_env={"AW_DATABASE_URL": url, "AW_REDIS_URL": REDIS_URL},
            serve_args=("--workers", "2"),
        ) as bench,
    ):
        yield bench


async def _measure(kind: str, count: int, seconds: float, tabs_n: int) -> tuple[Burst, Burst]:
    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,
        _deployment(kind, Path(tmp), tabs_n) as bench,
    ):
        async with wsclient.http_session() as http:
            harness.log(f"{kind}: burst of {count} with no tab open")
            alone = await _burst(bench, [], count, seconds, first_phone=0)
            alone.lock_warnings = _lock_warnings(bench.server.log_path)
            tabs = await wsclient.open_tabs(
                bench.server.url, http, harness.bench_sign_ins(tabs_n), "/"
            )
            await asyncio.gather(*(tab.choose_list(VIRTUAL_AGENT) for tab in tabs))
            harness.log(f"{kind}: burst of {count} with {tabs_n} tabs on the Virtual agent list")
            watched = await _burst(bench, tabs, count, seconds, first_phone=PHONES)
            watched.lock_warnings = _lock_warnings(bench.server.log_path) - alone.lock_warnings
            failures = [t.failure for t in tabs if t.failure]
            if failures:
                harness.log(f"tab failures: {failures[:3]}")
            await wsclient.close_tabs(tabs)
    return alone, watched


def _figures(db: str, tabs_n: int, alone: Burst, watched: Burst) -> list[Figure]:
    def pct(n: int, of: Burst) -> float:
        return 100.0 * n / of.sent

    where = f"{db}, {tabs_n} tabs watching"
    answered, base_answered = pct(len(watched.answered), watched), pct(len(alone.answered), alone)
    stored, base_stored = pct(watched.stored, watched), pct(alone.stored, alone)
    trips, base_trips = watched.round_trips(), alone.round_trips()
    note = (
        f"{watched.sent} webhooks, {watched.late} late, {watched.failed} refused, sender lag "
        f"{watched.lag_ms:.0f} ms, {watched.lock_warnings} lock warnings"
    )
    shown_first = watched.last_shown_first
    shown_all = watched.last_shown_all
    return [
        Figure(GROUP, f"answered 200 <= 15 s, {where}", answered, "%", base_answered,
               "no tab open", "100 %", answered >= 100.0, note),
        Figure(GROUP, f"stored, {where}", stored, "%", base_stored, "no tab open", "100 %",
               stored >= 100.0),
        Figure(GROUP, f"accept p50, {where}", median(trips), "ms", median(base_trips),
               "no tab open"),
        Figure(GROUP, f"accept p99, {where}", percentile(trips, 99), "ms",
               percentile(base_trips, 99), "no tab open", f"<= {TARGET_ACCEPT_P99_MS:g} ms",
               percentile(trips, 99) <= TARGET_ACCEPT_P99_MS),
        Figure(GROUP, f"last text shown after the last write, first tab, {where}",
               _or_nan(shown_first), "ms", _or_nan(watched.routed_all),
               "every text routed", note="NaN: not shown within 120 s"),
        Figure(GROUP, f"last text shown after the last write, last of the tabs, {where}",
               _or_nan(shown_all), "ms", _or_nan(alone.routed_all),
               "every text routed, no tab open"),
    ]  # fmt: skip


def _or_nan(value: float | None) -> float:
    return float("nan") if value is None else value


def run(quick: bool) -> list[Figure]:
    return _run(quick, ("sqlite", "postgresql"))


def _run(quick: bool, kinds: tuple[str, ...]) -> list[Figure]:
    count, seconds, tabs_n = (500, 5.0, 3) if quick else (WEBHOOKS, SECONDS, TABS)
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL + Redis, 2 workers"}
    figures: list[Figure] = []
    for kind in kinds:
        alone, watched = asyncio.run(_measure(kind, count, seconds, tabs_n))
        figures += _figures(names[kind], tabs_n, alone, watched)
    return figures


def main(argv: list[str] | None = None) -> int:
    return main_by_database(__doc__, _run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
