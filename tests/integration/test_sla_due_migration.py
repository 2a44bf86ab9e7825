"""Upgrading to the kept SLA instants (b4e8d2f6a1c9): the open conversations of channels with
a policy are due for the SLA alarm at once, whose first pass keeps their instants; nothing
else is marked. Down again drops the columns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from alembic import command
from tests.support import databases

BEFORE = "b7d2f4a9c6e1"  # the revision b4e8d2f6a1c9 follows
INTERACTION = (
    "INSERT INTO interaction (id, number, type, state, channel_id, phone, virtual_agent,"
    " short_description, opened_at, updated_at)"
    " VALUES (:id, :number, 'messaging', :state, :channel, '+14155550101', false, '', :at, :at)"
)
POLICY = (
    "INSERT INTO sla_policy (channel_id, position, first_response_minutes, created_at)"
    " VALUES (1, 0, 60, :at)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def older(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    with databases.database_at(BEFORE, request.param, tmp_path) as url:
        yield url


def test_open_conversations_with_a_policy_are_due_for_the_alarm_after_the_upgrade(
    older: str,
) -> None:
    engine = sa.create_engine(older, poolclass=sa.pool.NullPool)
    opened = datetime.now(UTC) - timedelta(hours=2)
    rows = [
        (1, "work_in_progress", 1),  # open, on the channel with a policy: marked
        (2, "closed_complete", 1),  # closed: no clock runs
        (3, "new", 2),  # a channel with no policy
    ]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":  # no channels needed for these rows
            conn.exec_driver_sql("SET LOCAL session_replication_role = replica")
        conn.execute(sa.text(POLICY), {"at": opened})
        for iid, state, channel in rows:
            values = {"id": iid, "number": f"IMS{iid:07d}", "state": state, "channel": channel}
            conn.execute(sa.text(INTERACTION), {**values, "at": opened})
    command.upgrade(databases.alembic_config(older), "head")
    with engine.connect() as conn:
        found = conn.execute(
            sa.text("SELECT id, sla_alarm_at, sla_due_at FROM interaction ORDER BY id")
        ).all()
    marked = [(iid, alarm is not None, due) for iid, alarm, due in found]
    assert marked == [(1, True, None), (2, False, None), (3, False, None)]
    command.downgrade(databases.alembic_config(older), BEFORE)
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("interaction")}
    assert not {"sla_due_at", "sla_amber_at", "sla_alarm_at"} & columns
    engine.dispose()
