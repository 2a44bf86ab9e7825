"""On SQLite, readers run beside a writer (WAL, deferred BEGIN); writers queue behind each other."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlmodel import func, select

from agent_workspace.db.engine import make_engine, reading, transaction
from agent_workspace.models import Consumer
from tests.support import databases


def test_a_reader_is_not_blocked_by_an_open_write_transaction(
    sqlite_template: Path, tmp_path: Path
) -> None:
    engine = make_engine(databases.fresh_sqlite(sqlite_template, tmp_path))
    writing, release = threading.Event(), threading.Event()

    def writer() -> None:
        with transaction(engine) as session:
            session.add(Consumer(first_name="W", last_name="Riter"))
            session.flush()
            writing.set()
            release.wait(timeout=30)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        assert writing.wait(timeout=10)
        with reading(engine) as session:  # would wait for the writer if it took the write lock
            assert session.exec(select(func.count()).select_from(Consumer)).one() == 0
        assert thread.is_alive()
    finally:
        release.set()
        thread.join(timeout=30)
    with reading(engine) as session:
        assert session.exec(select(func.count()).select_from(Consumer)).one() == 1
    engine.dispose()


def test_reading_never_writes(sqlite_template: Path, tmp_path: Path) -> None:
    engine = make_engine(databases.fresh_sqlite(sqlite_template, tmp_path))
    with reading(engine) as session:
        session.add(Consumer(first_name="Not", last_name="Kept"))
        session.flush()
    with reading(engine) as session:
        assert session.exec(select(func.count()).select_from(Consumer)).one() == 0
    engine.dispose()
