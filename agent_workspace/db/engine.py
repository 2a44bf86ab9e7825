"""Engine and transaction helpers shared by services, migrations and tests.

SQLite runs every write transaction as `BEGIN IMMEDIATE` so concurrent writers queue up
instead of failing late; PostgreSQL relies on row and advisory locks taken by the services.
"""

from __future__ import annotations

import contextlib
import functools
import threading
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from agent_workspace.config import get_settings

READ_ONLY = "aw_read_only"
T = TypeVar("T")


def make_engine(url: str) -> Engine:
    """Builds an engine with the per-dialect settings the services depend on."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        _serialise_sqlite_writers(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _serialise_sqlite_writers(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # let us emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # In WAL mode NORMAL syncs at checkpoints, not at every commit: a commit survives the
        # process crashing, not the machine losing power (then the last commits may roll back).
        # It saves an fsync per write; deployments that must survive power loss run PostgreSQL.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Readers begin deferred: in WAL mode they then run beside the one writer.
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


_autocommit: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
_autocommit_lock = threading.Lock()


def autocommit_engine(engine: Engine) -> Engine:
    """PostgreSQL: the same database through a pool of its own whose connections stay in
    autocommit and are not pinged when checked out, for one statement on the request path (the
    webhook's INSERT). The main pool's ping is a round trip per checkout (0.15 ms of the
    accept's ~0.7 in-process), and switching a connection into autocommit and back costs
    Python each time. Without the ping a connection the server ended fails its statement:
    the caller retries it once (SQLAlchemy has then dropped the dead connection)."""
    with _autocommit_lock:
        found = _autocommit.get(engine)
        if found is None:
            found = create_engine(
                engine.url, isolation_level="AUTOCOMMIT", pool_size=4, max_overflow=8
            )
            _autocommit[engine] = found
            event.listen(engine, "engine_disposed", lambda _engine: found.dispose())
        return found


def once_more_if_dropped(attempt: Callable[[], T]) -> tuple[T, bool]:
    """Runs `attempt`, and once more if it failed on a connection the server had ended (the
    autocommit pool does not ping first; SQLAlchemy has dropped the dead connection by then):
    its result, and whether it ran twice."""
    try:
        return attempt(), False
    except DBAPIError as failed:
        if not failed.connection_invalidated:
            raise
    return attempt(), True


@functools.cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().database_url)


@contextlib.contextmanager
def reading(engine: Engine | None = None) -> Iterator[Session]:
    """A read-only unit of work: never takes SQLite's write lock, and never commits."""
    bound = (engine or get_engine()).execution_options(**{READ_ONLY: True})
    with Session(bound, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


@contextlib.contextmanager
def transaction(engine: Engine | None = None) -> Iterator[Session]:
    """One unit of work: commits on success, rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
