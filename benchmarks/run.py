"""Prints how fast the send path is: the pure decision, and send_sms end to end on each database.

Usage: .venv/bin/python -m benchmarks.run [--sends N] [--postgres]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from agent_workspace import config
from agent_workspace.db import engine as engine_module
from agent_workspace.domain.routing import (
    ActiveInteraction,
    PersonKind,
    PersonRef,
    ProfileRef,
    SendSituation,
    decide_send,
)
from agent_workspace.domain.segments import count_segments
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support import databases
from tests.support.factories import make_channel, make_consumer, make_user


def _timed(label: str, runs: int, fn: Callable[[int], object]) -> None:
    samples = []
    for i in range(runs):
        start = time.perf_counter()
        fn(i)
        samples.append(time.perf_counter() - start)
    p50, p95 = statistics.median(samples), sorted(samples)[int(runs * 0.95) - 1]
    print(
        f"{label:<44} n={runs:<6} p50={p50 * 1e3:8.3f} ms  p95={p95 * 1e3:8.3f} ms  "
        f"rate={runs / sum(samples):9.1f}/s"
    )


def bench_pure() -> None:
    person = PersonRef(PersonKind.CONSUMER, 1)
    active = ActiveInteraction(1, "IMS0001001", 1, False, 7, frozenset({7}), datetime.now(UTC))
    situation = SendSituation(3, person, ProfileRef(1, person), (active,))
    _timed("decide_send (row 2)", 20_000, lambda _: decide_send(situation))
    body = "Hello, your order 1182 has shipped and will arrive tomorrow. " * 3
    _timed("count_segments (190 chars)", 20_000, lambda _: count_segments(body))


def bench_send(url: str, label: str, sends: int) -> None:
    os.environ["AW_DATABASE_URL"] = url
    config.get_settings.cache_clear()
    engine_module.get_engine.cache_clear()
    make_channel()
    agent = make_user("bench")
    phones = [f"+1415555{n:04d}" for n in range(200, 220)]
    for n, phone in enumerate(phones):
        make_consumer(f"P{n}", phone)
    tracemalloc.start()

    def one(i: int) -> None:
        request = SendRequest(from_number="+14155550100", to=phones[i % len(phones)], body=f"m{i}")
        send_sms(actor=agent, request=request)

    _timed(f"send_sms on {label}", sends, one)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'':<44} peak traced memory {peak / 1024 / 1024:.1f} MiB")
    engine_module.get_engine().dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sends", type=int, default=300)
    parser.add_argument("--postgres", action="store_true", help="also measure on PostgreSQL")
    args = parser.parse_args()
    os.environ["AW_ENVIRONMENT"] = "test"
    os.environ["AW_SECRET_KEY"] = secrets.token_urlsafe(32)
    # `test` runs on the simulator and a loopback URL only when asked (config.deployment_problems).
    os.environ["AW_SIMULATOR"] = "true"
    os.environ["AW_ALLOW_INSECURE_PUBLIC_URL"] = "true"
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        os.environ["AW_STORAGE_DIR"] = str(Path(tmp) / "files")
        bench_pure()
        template = databases.migrated_sqlite_template(Path(tmp))
        bench_send(databases.fresh_sqlite(template, Path(tmp)), "SQLite", args.sends)
        if args.postgres:
            with databases.postgres_database() as url:
                bench_send(url, "PostgreSQL", args.sends)


if __name__ == "__main__":
    main()
