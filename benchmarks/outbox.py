"""Outbox drain rate: how fast 1 and 2 dispatcher processes empty a full outbox on PostgreSQL.

Setup per case: N messages queued through send_sms (the real service) while no dispatcher runs,
then held (next_attempt_at an hour ahead, one UPDATE); W `agent_workspace.cli dispatch` processes
start and connect their LISTEN; then one transaction makes all N due and NOTIFYs, and the clock
runs until every one of them has its provider sid (accepted by the simulator, counted from the
database). The simulator runs in its own process with delivery pacing off (`--hold-queued`: no
status callbacks), and afterwards must hold exactly one create per message.

Baseline: the same N creates sent straight through the twilio SDK (TwilioGateway.send) from one
process with the same number of calls in flight (W x AW_OUTBOX_CONCURRENCY threads).

Usage: .venv/bin/python -m benchmarks.outbox [--quick]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import httpx
import sqlalchemy as sa

from agent_workspace import config
from agent_workspace.db import engine as engine_module
from agent_workspace.models import Message, utcnow
from agent_workspace.sms import TwilioGateway
from agent_workspace.sms.gateway import OutboundSms
from benchmarks.figures import Figure
from tests.support import databases
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user
from tests.support.outbox_load import DispatcherProcesses, make_recipients, queue_messages
from tests.support.servers import TEST_OPT_INS, TEST_SECRET, free_port

CONCURRENCY = 16  # AW_OUTBOX_CONCURRENCY of each dispatcher process
TARGET = 500.0  # messages/s


def _say(text: str) -> None:
    print(f"[outbox] {text}", file=sys.stderr, flush=True)


@contextmanager
def _simulator(port: int, account_sid: str, token: str) -> Iterator[str]:
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "agent_workspace.sms.simulator", "--port", str(port)]
    command += ["--account-sid", account_sid, "--auth-token", token]
    command += ["--hold-queued", "--log-level", "warning"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    try:
        for _ in range(200):
            try:
                httpx.get(f"{url}/_sim/messages", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def _settings_env(database_url: str, simulator_port: int, storage: Path) -> dict[str, str]:
    return {
        "AW_ENVIRONMENT": "test",
        "AW_SECRET_KEY": TEST_SECRET,
        "AW_BCRYPT_ROUNDS": "4",
        **TEST_OPT_INS,
        "AW_DATABASE_URL": database_url,
        "AW_STORAGE_DIR": str(storage),
        "AW_SIMULATOR_PORT": str(simulator_port),
        "AW_PUBLIC_BASE_URL": "http://127.0.0.1:9",  # callbacks are off: never posted
        "AW_OUTBOX_CONCURRENCY": str(CONCURRENCY),
    }


def _hold(ids: list[int]) -> None:
    with engine_module.get_engine().begin() as conn:
        conn.execute(
            sa.text("UPDATE message SET next_attempt_at = :later WHERE id = ANY(:ids)"),
            {"later": utcnow() + timedelta(hours=1), "ids": ids},
        )


def _release(ids: list[int]) -> None:
    """All due at once, announced in the same transaction (as a queuing commit would)."""
    with engine_module.get_engine().begin() as conn:
        conn.execute(
            sa.text("UPDATE message SET next_attempt_at = NULL WHERE id = ANY(:ids)"), {"ids": ids}
        )
        conn.execute(sa.text("SELECT pg_notify('aw_outbox', '')"))


def _in_range(ids: list[int], *, accepted: bool) -> int:
    """Messages with ids from the first of `ids` to the last (with a provider sid if
    `accepted`). The queued ids are one run (`_one_run`), so this is a range count: a list of
    500 ids sent every 20 ms had cost the drain's shared two cores a few per cent (dumping the
    array, and PostgreSQL matching it)."""
    table: sa.Table = Message.__table__  # type: ignore[attr-defined]
    query = sa.select(sa.func.count()).where(table.c.id.between(ids[0], ids[-1]))
    if accepted:
        query = query.where(table.c.provider_sid.is_not(None))
    with engine_module.get_engine().connect() as conn:
        return int(conn.execute(query).scalar_one())


def _accepted(ids: list[int]) -> int:
    """How many of `ids` the provider took."""
    return _in_range(ids, accepted=True)


def _one_run(ids: list[int]) -> None:
    if (rows := _in_range(ids, accepted=False)) != len(ids):
        raise RuntimeError(f"the queued ids are not one run: {rows} rows for {len(ids)} ids")


def _listening() -> int:
    with engine_module.get_engine().connect() as conn:
        return int(
            conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND query = 'LISTEN aw_outbox'"
                )
            ).scalar_one()
        )


def _drain(workers: int, how_many: int, agent: object, sim_url: str, logs: Path) -> float:
    httpx.post(f"{sim_url}/_sim/reset", timeout=10).raise_for_status()
    _say(f"queueing {how_many} through send_sms")
    queued = queue_messages(agent, how_many, tag=f"w{workers}n{how_many}")  # type: ignore[arg-type]
    ids = sorted(queued)
    _one_run(ids)
    _hold(ids)
    with DispatcherProcesses(workers, logs) as processes:
        deadline = time.monotonic() + 60
        while _listening() < workers:
            if time.monotonic() > deadline or not processes.alive():
                raise RuntimeError(f"dispatchers did not start:\n{processes.logs()}")
            time.sleep(0.1)
        time.sleep(1.0)  # their first (empty) pass is over
        started = time.perf_counter()
        _release(ids)
        while (done := _accepted(ids)) < how_many:
            if time.perf_counter() - started > 600 or not processes.alive():
                raise RuntimeError(f"only {done}/{how_many} sent:\n{processes.logs()}")
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
    creates = Counter(
        m["body"]
        for m in httpx.get(f"{sim_url}/_sim/messages", timeout=30).json()["messages"]
        if m["direction"] == "outbound-api"
    )
    twice = [body for body, n in creates.items() if n != 1]
    if twice or sorted(creates) != sorted(queued.values()):
        raise RuntimeError(f"not exactly once: {len(creates)} bodies, repeated: {twice[:5]}")
    rate = how_many / elapsed
    _say(f"{workers} worker(s), {how_many} messages: {elapsed:.2f} s, {rate:.0f} msg/s, once each")
    return rate


def _sdk_rate(how_many: int, threads: int, gateway: TwilioGateway, sim_url: str) -> float:
    httpx.post(f"{sim_url}/_sim/reset", timeout=10).raise_for_status()

    def one(n: int) -> None:
        gateway.send(
            OutboundSms(
                to=f"+1201555{2000 + n % 20:04d}",
                from_=SUPPORT_NUMBER,
                body=f"sdk {n}",
                media_urls=(),
                status_callback="http://127.0.0.1:9/api/twilio/status",
            )
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(one, range(how_many)))
    rate = how_many / (time.perf_counter() - started)
    _say(f"baseline: {how_many} SDK creates, {threads} threads: {rate:.0f} msg/s")
    return rate


def run(quick: bool = False) -> list[Figure]:
    sizes = (200,) if quick else (500, 2000)
    figures: list[Figure] = []
    saved = dict(os.environ)
    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,
        databases.postgres_database() as database_url,
    ):
        port = free_port()
        os.environ.update(_settings_env(database_url, port, Path(tmp) / "files"))
        config.get_settings.cache_clear()
        engine_module.get_engine.cache_clear()
        try:
            account = config.get_settings().provider_account()
            make_channel()
            agent = make_user("alice")
            make_recipients()
            with _simulator(port, account.account_sid, account.auth_token) as sim_url:
                gateway = TwilioGateway(
                    account.account_sid,
                    account.auth_token,
                    api_base_url=sim_url,
                    pool_size=2 * CONCURRENCY,
                )
                for how_many in sizes:
                    for workers in (1, 2):
                        rate = _drain(workers, how_many, agent, sim_url, Path(tmp))
                        base = _sdk_rate(how_many, workers * CONCURRENCY, gateway, sim_url)
                        figures.append(
                            Figure(
                                group="outbox",
                                name=f"drain {how_many} queued, {workers} worker(s), PostgreSQL",
                                value=rate,
                                unit="msg/s",
                                baseline=base,
                                baseline_name=f"SDK creates, {workers * CONCURRENCY} threads",
                                # The target is for 2+ workers; one is shown beside it.
                                target=f">= {TARGET:.0f} msg/s" if workers > 1 else "",
                                met=rate >= TARGET if workers > 1 else None,
                                note=f"{CONCURRENCY} sends in flight per worker; pacing off; "
                                "each message created once",
                            )
                        )
        finally:
            engine_module.get_engine().dispose()
            os.environ.clear()
            os.environ.update(saved)
            config.get_settings.cache_clear()
            engine_module.get_engine.cache_clear()
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    for figure in run(quick=parser.parse_args().quick):
        print(figure)
