"""End-to-end fixtures: one production workspace per test session, Debian's Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from playwright.sync_api import expect

from tests.support import databases
from tests.support.dependencies import shared_redis_url
from tests.support.servers import CHROMIUM, CHROMIUM_FLAGS, WorkspaceServer

REDIS_URL = shared_redis_url(7)
# Playwright's assertions give up after 5 s by default; on a loaded machine (two test processes,
# other work beside them) a page's first load or a push can take longer. Each still returns as
# soon as what it waits for is there.
expect.set_options(timeout=15_000)
METRICS_TOKEN = "e2e-metrics-token-" + "m" * 20  # Prometheus's bearer token for /metrics
REDIS_HELP = (
    "Redis is not reachable at 127.0.0.1:6379; the PostgreSQL workspace needs it. Start it with: "
    "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
)
MARIA = "+14155550123"
SUPPORT = "+14155550100"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """A failed test's report ends with what its workspaces logged meanwhile (a push that
    failed, a lock held too long): the server's side of what the browser did not see."""
    report = yield
    if report.when == "call" and report.failed:
        for name, value in getattr(item, "funcargs", {}).items():
            if isinstance(value, WorkspaceServer) and value.log_path.exists():
                logged = value.log_path.read_bytes()[-6000:].decode(errors="replace")
                report.sections.append((f"{name} server log (tail)", logged))
    return report


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: run ./scripts/test (it installs it).", pytrace=False
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    server = WorkspaceServer(Path(tmp_path_factory.mktemp("workspace")))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    """The documented several-worker deployment: PostgreSQL, Redis, `serve --workers 2`."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"{REDIS_HELP} ({exc})", pytrace=False)
    with databases.postgres_database() as database_url:
        server = WorkspaceServer(
            Path(tmp_path_factory.mktemp("scaled")),
            extra_env={
                "AW_REDIS_URL": REDIS_URL,
                "AW_DATABASE_URL": database_url,
                "AW_OUTBOX_POLL_SECONDS": "3600",  # only wake-ups (NOTIFY) make them send
                "AW_METRICS_TOKEN": METRICS_TOKEN,
            },
            serve_args=("--workers", "2"),
        )
        server.start()
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_workspace(request: pytest.FixtureRequest) -> WorkspaceServer:
    """A journey that must hold on both deployments: the embedded one and PostgreSQL + Redis
    with two workers (the same two servers every test shares)."""
    name = "workspace" if request.param == "sqlite" else "pg_workspace"
    server: WorkspaceServer = request.getfixturevalue(name)
    return server


@pytest.fixture(autouse=True)
def _e2e_marker(request: pytest.FixtureRequest) -> None:
    request.node.add_marker(pytest.mark.e2e)


# The longest file (a whole production install, about three minutes) goes first among the e2e
# files: under two test processes the other one runs the rest meanwhile, instead of the run
# waiting for it at the end. e2e files still come after every unit and integration file.
FIRST = ("test_production.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    e2e = [i for i, item in enumerate(items) if item.path.is_relative_to(here)]
    if not e2e:
        return
    start = e2e[0]
    ours = items[start:]
    if any(not item.path.is_relative_to(here) for item in ours):
        return  # e2e files are not last here (a hand-picked order): leave it be
    ours.sort(key=lambda item: item.path.name not in FIRST)  # stable: the rest keep their order
    items[start:] = ours
