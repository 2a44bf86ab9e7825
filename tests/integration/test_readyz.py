"""GET /readyz over HTTP: 200 only while the database answers at its migrations' head and Redis
(when configured) answers; otherwise 503 saying which, and back to 200 once it is."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from agent_workspace import config
from agent_workspace.ops import health, logs
from tests.integration.pipeline.conftest import ApiServer
from tests.support import databases
from tests.support.dependencies import RedisServer, redis_server, set_connections
from tests.support.waiting import wait_until


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ApiServer, str]]:
    with databases.postgres_database() as url:
        monkeypatch.setenv("AW_DATABASE_URL", url)
        config.get_settings.cache_clear()
        server = ApiServer().start()
        try:
            yield server, url
        finally:
            server.stop()
            health.probe_engine.cache_clear()


def _answer(server: ApiServer) -> tuple[int, str]:
    response = httpx.get(f"{server.url}/readyz", timeout=10)
    return response.status_code, response.text


def _becomes(server: ApiServer, status: int, text: str) -> None:
    answers: list[tuple[int, str]] = []

    def reached() -> bool:
        answers[:] = [_answer(server)]
        return answers[0][0] == status and text in answers[0][1]

    wait_until(reached, timeout=15, what=f"/readyz {status} {text!r} (last: {answers})")


def test_ready_only_while_the_database_answers(api: tuple[ApiServer, str]) -> None:
    server, url = api
    _becomes(server, 200, "ready")
    set_connections(url, allowed=False)
    try:
        _becomes(server, 503, "the database does not answer")
        assert "127.0.0.1" not in _answer(server)[1]  # where it is, is the operator's log's
    finally:
        set_connections(url, allowed=True)
    _becomes(server, 200, "ready")


def test_not_ready_while_migrations_are_behind(api: tuple[ApiServer, str]) -> None:
    server, url = api
    (head,) = health.script_heads()
    databases.set_revision(url, "2fdb85988c46")
    _becomes(server, 503, "migrations are not at head: run prepare")
    databases.set_revision(url, head)
    _becomes(server, 200, "ready")


def test_ready_only_while_redis_answers_when_it_is_configured(
    api: tuple[ApiServer, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, _ = api
    with redis_server() as redis:
        monkeypatch.setenv("AW_REDIS_URL", redis.url)
        config.get_settings.cache_clear()
        _becomes(server, 200, "ready")
        redis.kill()
        _becomes(server, 503, "Redis does not answer")
        again = RedisServer()
        again.port, again.url = redis.port, redis.url
        again.start()
        try:
            _becomes(server, 200, "ready")
        finally:
            again.kill()


def test_probes_write_nothing_to_the_log_while_all_is_well(
    api: tuple[ApiServer, str], capsys: pytest.CaptureFixture[str]
) -> None:
    """Every probe (and each worker's outage watch, every 2 s) asks Alembic where the database
    is: its "Context impl PostgresqlImpl." lines had filled `./scripts/run`'s console, two
    lines every two seconds, burying the sign-ins it had printed."""
    server, _ = api
    logs.configure("info")
    capsys.readouterr()
    for _ in range(3):
        assert _answer(server)[0] == 200
    written = capsys.readouterr().out
    assert "alembic" not in written and "Context impl" not in written, written
