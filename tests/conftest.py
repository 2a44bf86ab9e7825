"""Fixtures shared by all layers. Integration tests get `engine` on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from agent_workspace import config
from agent_workspace.db import engine as engine_module
from agent_workspace.services.channels import numbers
from tests.support import databases
from tests.support.servers import TEST_OPT_INS, TEST_SECRET


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test outside tests/e2e taking an argument named like a Playwright fixture (`page`)
    is run by pytest-playwright per browser and grouped with the e2e tests, mid-run: once
    Playwright has run in a test process, its asyncio tests cannot start a loop."""
    e2e = Path(__file__).parent / "e2e"
    for item in items:
        params = getattr(item, "callspec", None)
        if params and "browser_name" in params.params and not item.path.is_relative_to(e2e):
            raise pytest.UsageError(
                f"{item.nodeid} is run per browser: rename its argument that Playwright "
                "provides (page, browser, context)"
            )


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """Every test sees default settings with its own storage folder, never the developer's .env."""
    for key in list(__import__("os").environ):
        if key.startswith("AW_") or key.startswith("TWILIO_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("AW_ENVIRONMENT", "test")
    monkeypatch.setenv("AW_BCRYPT_ROUNDS", "4")  # hashing cost is not what tests measure
    monkeypatch.setenv("AW_SECRET_KEY", TEST_SECRET)
    monkeypatch.setenv("AW_STORAGE_DIR", str(tmp_path / "files"))
    for key, value in TEST_OPT_INS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)  # no .env from the checkout
    config.get_settings.cache_clear()
    engine_module.get_engine.cache_clear()
    numbers.forget()
    yield
    config.get_settings.cache_clear()
    engine_module.get_engine.cache_clear()
    numbers.forget()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.migrated_sqlite_template(tmp_path_factory.mktemp("sqlite"))


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with databases.postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, sqlite_template: Path, tmp_path: Path
) -> Iterator[str]:
    if request.param == "sqlite":
        yield databases.fresh_sqlite(sqlite_template, tmp_path)
    else:
        url = request.getfixturevalue("postgres_url")
        databases.truncate_all(url)
        yield url


@pytest.fixture
def engine(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A migrated, empty database that the services use as their default engine."""
    monkeypatch.setenv("AW_DATABASE_URL", database_url)
    config.get_settings.cache_clear()
    engine_module.get_engine.cache_clear()
    eng = engine_module.get_engine()
    yield eng
    eng.dispose()
