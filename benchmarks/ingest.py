"""Benchmark 1, ingest: signed inbound webhooks per second into the workspace vs the bare floor.

For each database (SQLite file, PostgreSQL) and concurrency (c=1, c=8) it starts, on a free
127.0.0.1 port, first the bare endpoint (benchmarks/bare_ingest.py: the same signature check and
the same accepted_webhook row, stored with the raw driver: sqlite3 inline on the loop, psycopg
on kept connections; no ORM, no thread hop)
and then the workspace's backend the way production serves it (`reflex run --env prod
--backend-only`, Granian, one worker), each on a fresh database, and drives them with `wrk`
(Debian package; installed by `ensure_wrk` in scripts/bootstrap.sh) cycling through pre-signed
requests, each with its own MessageSid, so no duplicate takes the cheap path. The requests are
signed for the URL the app validates against (AW_PUBLIC_BASE_URL) with its auth token.

After each workspace run it waits until the router has turned every accepted webhook into a
message and reports that rate too (no target: routing happens after the answer).

Usage: .venv/bin/python -m benchmarks.ingest [--quick] [--only sqlite|postgresql]
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

from benchmarks.figures import Figure, main_by_database

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).with_name("wrk_signed.lua")
PATH = "/api/twilio/inbound"
ACCOUNT_SID = "AC" + "b" * 32
AUTH_TOKEN = "bench" + "0" * 27
PROVIDER = "+14155550100"
PHONES = 50
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SECRET = "ingest-benchmark-secret-" + "x" * 16
RATE_SHARE = 0.6  # of the raw-driver floor's rate, at c=1 and c=8
P99_MS = 30.0  # at c=8


def say(text: str) -> None:
    print(f"    ingest: {text}", file=sys.stderr, flush=True)


def ensure_wrk() -> str:
    """wrk from Debian, installed by scripts/bootstrap.sh's ensure_wrk when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    say("installing wrk (apt-get, via scripts/bootstrap.sh ensure_wrk)")
    subprocess.run(
        ["bash", "-c", "source scripts/bootstrap.sh >/dev/null && ensure_wrk"], cwd=ROOT, check=True
    )
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is still missing after ensure_wrk")
    return found


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _params(sid: str, phone: str, body: str) -> dict[str, str]:
    return {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "SAN FRANCISCO",
        "FromZip": "94105",
        "SmsSid": sid,
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "SAN FRANCISCO",
        "Body": body,
        "FromCountry": "US",
        "To": PROVIDER,
        "ToZip": "94105",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": phone,
        "ApiVersion": "2010-04-01",
    }


def write_requests(path: Path, url: str, count: int, tag: str) -> None:
    """`count` signed webhooks with fresh MessageSids from PHONES phones, one per line."""
    from twilio.request_validator import RequestValidator

    validator = RequestValidator(AUTH_TOKEN)
    prefix = uuid.uuid4().hex[:16]
    with path.open("w") as out:
        for i in range(count):
            sid = f"SM{prefix}{i:016x}"
            params = _params(
                sid, f"+1201555{i % PHONES:04d}", f"{tag} text {i}: is my order there?"
            )
            signature = validator.compute_signature(url, params)
            out.write(f"{signature}\t{urlencode(params)}\n")


@dataclass(frozen=True)
class Load:
    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    wrapped: int


def drive(wrk: str, base: str, file: Path, connections: int, seconds: float) -> Load:
    command = [wrk, "-t", "1", "-c", str(connections), "-d", f"{seconds:.0f}s"]
    command += ["--timeout", "10s", "-s", str(LUA), base + PATH, "--", "1", str(file), PATH]
    result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    match = re.search(r"^RESULT (\{.*\})$", result.stdout, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"wrk printed no result:\n{result.stdout}\n{result.stderr}")
    raw = json.loads(match.group(1))
    return Load(
        rate=raw["requests"] / (raw["duration_us"] / 1e6),
        p50_ms=raw["p50_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        requests=raw["requests"],
        errors=raw["status_errors"] + raw["socket_errors"],
        wrapped=raw["wrapped"],
    )


@contextmanager
def database(kind: str, directory: Path) -> Iterator[str]:
    """A fresh, migrated database with the SMS channel and its provider number."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / f'{uuid.uuid4().hex[:8]}.db'}"
        _prepare(url)
        yield url
        return
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aw_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as problem:
        raise RuntimeError(
            "PostgreSQL is not reachable at 127.0.0.1:5432 (database 'test', user 'postgres'): "
            "start it with: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
        ) from problem
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _prepare(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _prepare(url: str) -> None:
    code = (
        "import sys\n"
        "from agent_workspace.cli import migrate\n"
        "from agent_workspace.db.engine import make_engine, transaction\n"
        "from agent_workspace.domain.attachments import AttachmentPolicy\n"
        "from agent_workspace.services.channels.settings import create_channel\n"
        "url = sys.argv[1]\n"
        "migrate(url)\n"
        "engine = make_engine(url)\n"
        "with transaction(engine) as session:\n"
        f"    create_channel(session=session, name='SMS', provider_numbers=(({PROVIDER!r}, 'x'),),"
        " policy=AttachmentPolicy())\n"
    )
    subprocess.run([sys.executable, "-c", code, url], cwd=ROOT, env=_env(url, ""), check=True)


def _env(url: str, public: str, work: Path | None = None) -> dict[str, str]:
    tools = ROOT / ".tools" / "node_modules" / ".bin"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AW_", "TWILIO_"))}
    env.update(
        {
            "PATH": os.pathsep.join([str(tools), str(Path(sys.executable).parent), env["PATH"]]),
            "AW_ENVIRONMENT": "test",
            "AW_SECRET_KEY": SECRET,
            "AW_DATABASE_URL": url,
            "AW_PUBLIC_BASE_URL": public or "http://127.0.0.1:9",
            "AW_ALLOW_INSECURE_PUBLIC_URL": "true",
            # Real-Twilio mode with a closed API port: inbound never calls the provider.
            "AW_TWILIO_ACCOUNT_SID": ACCOUNT_SID,
            "AW_TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "AW_TWILIO_API_BASE_URL": "http://127.0.0.1:9",
            "AW_DEMO_DATA": "false",
            "BARE_AUTH_TOKEN": AUTH_TOKEN,
            "REFLEX_USE_SYSTEM_BUN": "1",
            "REFLEX_TELEMETRY_ENABLED": "false",
            "GRANIAN_WORKERS": "1",
        }
    )
    if work is not None:
        env["AW_STORAGE_DIR"] = str(work / "files")
        env["REFLEX_WEB_WORKDIR"] = str(work / "web")
        env["REFLEX_STATES_WORKDIR"] = str(work / "states")
    return env


@contextmanager
def server(which: str, url: str, work: Path) -> Iterator[str]:
    """The bare endpoint or the workspace backend, Granian with one worker, on a free port."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = _env(url, base, work)
    if which == "bare":
        command = [sys.executable, "-m", "granian", "--interface", "asgi", "--workers", "1"]
        command += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
        command += ["benchmarks.bare_ingest:app"]
        ready = f"{base}/nothing"
    else:
        command = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--backend-only"]
        command += ["--backend-host", "127.0.0.1", "--backend-port", str(port)]
        command += ["--loglevel", "warning"]
        ready = f"{base}/ping"
    log = (work / f"{which}.log").open("wb")
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{which} exited:\n{(work / f'{which}.log').read_text()[-3000:]}"
                )
            try:
                httpx.get(ready, timeout=1)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{which} did not start") from None
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        log.close()


_COUNTS = {
    "message": "SELECT count(*) FROM message",
    "accepted_webhook": "SELECT count(*) FROM accepted_webhook",
}


def _count(url: str, table: str) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.exec_driver_sql(_COUNTS[table]).scalar_one())
    finally:
        engine.dispose()


def _routed_rate(url: str, accepted: int, timeout: float) -> tuple[float, int]:
    """(messages/s routed from the end of the load until every accepted webhook is a message,
    backlog left at the end of the load); the rate is NaN when there was no backlog."""
    started = time.monotonic()
    backlog = accepted - _count(url, "message")
    while True:
        left = accepted - _count(url, "message")
        elapsed = time.monotonic() - started
        if left <= 0 or elapsed > timeout:
            rate = (backlog - max(left, 0)) / elapsed if backlog > 0 else float("nan")
            return rate, backlog
        time.sleep(0.25)


def measure(
    wrk: str, kind: str, which: str, connections: int, seconds: float, work: Path
) -> tuple[Load, tuple[float, int] | None]:
    with database(kind, work) as url, server(which, url, work) as base:
        public = base
        warm, main = work / "warm.txt", work / "main.txt"
        write_requests(warm, public + PATH, 3000, "warm-up")
        write_requests(main, public + PATH, int(seconds * 4000) + 2000, "load")
        drive(wrk, base, warm, connections, 2)
        load = drive(wrk, base, main, connections, seconds)
        routed = None
        if which == "app":
            # The warm-up's webhooks were accepted too: every accepted row must become a message.
            routed = _routed_rate(url, _count(url, "accepted_webhook"), timeout=120)
        return load, routed


def run(quick: bool) -> list[Figure]:
    return _run(quick, ("sqlite", "postgresql"))


def _run(quick: bool, kinds: tuple[str, ...]) -> list[Figure]:
    wrk = ensure_wrk()
    seconds = 5.0 if quick else 10.0
    figures: list[Figure] = []
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    for kind in kinds:
        for connections in (1, 8):
            with tempfile.TemporaryDirectory(
                prefix="aw-ingest-", ignore_cleanup_errors=True
            ) as tmp:
                work = Path(tmp)
                say(f"{names[kind]} c={connections}: bare endpoint (raw driver)")
                bare, _ = measure(wrk, kind, "bare", connections, seconds, work)
                say(f"  bare {bare}")
                say(f"{names[kind]} c={connections}: workspace")
                app, routed = measure(wrk, kind, "app", connections, seconds, work)
                say(f"  app {app} routed {routed}")
            figures += _figures(names[kind], connections, bare, app, routed)
    return figures


def _figures(
    db: str, c: int, bare: Load, app: Load, routed: tuple[float, int] | None
) -> list[Figure]:
    where = f"c={c} {db}"
    note = f"{app.requests} requests, {app.errors} errors" + (
        f", {app.wrapped} wraps (repeated sids)" if app.wrapped else ""
    )
    rate_met = app.rate >= RATE_SHARE * bare.rate and app.errors == 0
    figures = [
        Figure(
            "ingest",
            f"webhooks/s {where}",
            app.rate,
            "/s",
            bare.rate,
            "raw-driver floor",
            f">= {RATE_SHARE}x baseline",
            rate_met,
            note,
        ),
        Figure(
            "ingest",
            f"p50 {where}",
            app.p50_ms,
            "ms",
            bare.p50_ms,
            "raw-driver floor",
            "<= 2 ms" if c == 1 else "",
            app.p50_ms <= 2 if c == 1 else None,
        ),
        Figure(
            "ingest",
            f"p99 {where}",
            app.p99_ms,
            "ms",
            bare.p99_ms,
            "raw-driver floor",
            f"<= {P99_MS:g} ms" if c == 8 else "",
            app.p99_ms <= P99_MS if c == 8 else None,
        ),
    ]
    if routed is not None:
        rate, backlog = routed
        figures.append(
            Figure(
                "ingest",
                f"backlog routed after the load msg/s {where}",
                rate,
                "msg/s",
                note=f"{backlog} accepted webhooks were still to route when the load stopped",
            )
        )
    return figures


def main(argv: list[str] | None = None) -> int:
    return main_by_database(__doc__, _run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
