"""Upgrading to the status checks (a7e3c91d5b20): messages an older version left unsettled are
due for a look-up at once; nothing else is; SQLite's text-search triggers are kept."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from alembic import command
from tests.support import databases

BEFORE = "d8a3f1c2b9e0"
MESSAGE = (
    "INSERT INTO message (interaction_id, direction, body, from_number, to_number, status,"
    " provider_sid, segments, created_at, updated_at, attempts, needs_reconcile)"
    " VALUES (:interaction, :direction, 'hi', '+14155550100', '+14155550101', :status, :sid,"
    " 1, :at, :at, 1, false)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def older(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    with databases.database_at(BEFORE, request.param, tmp_path) as url:
        yield url


def test_unsettled_messages_are_due_at_once_after_the_upgrade(older: str) -> None:
    engine = sa.create_engine(older, poolclass=sa.pool.NullPool)
    rows = [
        ("outbound", "sent", "SM" + "1" * 32),  # left "sent": its callback was lost
        ("outbound", "queued", "SM" + "2" * 32),  # taken, still queued there
        ("outbound", "delivered", "SM" + "3" * 32),  # settled
        ("outbound", "queued", None),  # still the outbox's
        ("inbound", "received", "SM" + "4" * 32),
    ]
    _insert(engine, rows)
    command.upgrade(databases.alembic_config(older), "head")
    with engine.connect() as conn:
        due = (
            conn.exec_driver_sql(
                "SELECT provider_sid FROM message WHERE status_check_due_at IS NOT NULL"
                " ORDER BY provider_sid"
            )
            .scalars()
            .all()
        )
        checks = set(conn.exec_driver_sql("SELECT status_checks FROM message").scalars())
        if engine.dialect.name == "sqlite":
            triggers = (
                conn.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'message'"
                )
                .scalars()
                .all()
            )
            assert sorted(triggers) == [
                "message_fts_delete",
                "message_fts_insert",
                "message_fts_update",
            ]
    assert due == ["SM" + "1" * 32, "SM" + "2" * 32]
    assert checks == {0}
    command.downgrade(databases.alembic_config(older), BEFORE)
    engine.dispose()


def _insert(engine: sa.Engine, rows: list[tuple[str, str, str | None]]) -> None:
    """Messages as an older version stored them (the interaction they name is not needed
    here: foreign keys are not checked for these rows)."""
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        for direction, status, sid in rows:
            values = {"interaction": 1, "direction": direction, "status": status, "sid": sid}
            conn.execute(sa.text(MESSAGE), {**values, "at": datetime.now(UTC)})
