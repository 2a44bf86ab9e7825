"""Real databases for tests: a migrated SQLite file and a fresh PostgreSQL database per session."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.config import Config
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import agent_workspace.models  # noqa: F401
from agent_workspace.cli import migrate
from agent_workspace.config import PROJECT_ROOT
from agent_workspace.db.engine import make_engine
from alembic import command

PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_HELP = (
    "PostgreSQL is not reachable at 127.0.0.1:5432 (database 'test', user 'postgres', trust auth). "
    "Start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start"
)


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    migrate(f"sqlite:///{path}")
    return path


def fresh_sqlite(template: Path, directory: Path) -> str:
    path = directory / f"{uuid.uuid4().hex}.db"
    shutil.copy(template, path)
    return f"sqlite:///{path}"


@contextmanager
def postgres_database(*, migrated: bool = True) -> Iterator[str]:
    """Creates a throwaway database beside 'test', migrates it (unless a test migrates it as
    its operator would), and drops it afterwards."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            name = f"aw_test_{uuid.uuid4().hex[:12]}"
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        pytest.fail(
            f"{PG_HELP}\n({exc.__class__.__name__}: {str(exc).splitlines()[0]})", pytrace=False
        )
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        if migrated:
            migrate(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def alembic_config(url: str) -> Config:
    """The project's migrations, pointed at `url`, for a test to step up and down."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.set_main_option("sqlalchemy.url", url)
    return config


@contextmanager
def database_at(revision: str, kind: str, directory: Path) -> Iterator[str]:
    """A `kind` ("sqlite" or "postgresql") database migrated up to `revision` only: what an
    older version left, for the test of the migration that follows it."""
    if kind == "sqlite":
        url = f"sqlite:///{directory / 'old.db'}"
        command.upgrade(alembic_config(url), revision)
        yield url
        return
    with postgres_database(migrated=False) as url:
        command.upgrade(alembic_config(url), revision)
        yield url


def truncate_all(url: str) -> None:
    """Empties every table (PostgreSQL) so each test starts from the migrated, empty schema."""
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    engine: Engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        engine.dispose()


def set_revision(url: str, revision: str) -> None:
    """Marks the database as migrated only up to `revision` (as an older version left it)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = %s", (revision,))
    finally:
        engine.dispose()
