"""Upgrading to the conversation facts (b7d2f4a9c6e1): each conversation an older version
left gets its first inbound text and first response from its messages, as the services keep
them (services/interactions/lifecycle.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from agent_workspace.db.engine import make_engine
from agent_workspace.models import Interaction
from alembic import command
from tests.support import databases

BEFORE = "c3f8e2a6d9b4"
T0 = datetime(2026, 12, 1, 14, 0, tzinfo=UTC)
INTERACTION = (
    "INSERT INTO interaction (id, number, type, state, virtual_agent, short_description,"
    " opened_at, updated_at) VALUES (:id, :number, 'messaging', 'new', false, '', :at, :at)"
)
MESSAGE = (
    "INSERT INTO message (interaction_id, direction, body, from_number, to_number, status,"
    " segments, created_at, updated_at, attempts, needs_reconcile, auto_reply)"
    " VALUES (:interaction, :direction, 'hi', '+14155550100', '+14155550101', :status,"
    " 1, :at, :at, 1, false, :auto)"
)


@pytest.fixture(params=["sqlite", "postgresql"])
def older(request: pytest.FixtureRequest, tmp_path: Path):  # type: ignore[no-untyped-def]
    with databases.database_at(BEFORE, request.param, tmp_path) as url:
        yield url


def _minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


def test_the_upgrade_backfills_each_conversations_first_text_and_response(older: str) -> None:
    engine = sa.create_engine(older, poolclass=sa.pool.NullPool)
    conversations = {
        # we wrote first; the consumer at 10; the auto-reply at 11 answers nobody; a note is
        # not sent; our answer at 30 is the first response (not the one at 0, before the text)
        1: [
            ("outbound", "delivered", 0, False),
            ("inbound", "received", 10, False),
            ("outbound", "queued", 11, True),
            ("note", "received", 12, False),
            ("outbound", "delivered", 30, False),
            ("inbound", "received", 40, False),
            ("outbound", "delivered", 50, False),
        ],
        2: [("inbound", "received", 5, False)],  # not answered
        3: [("outbound", "delivered", 7, False)],  # the consumer never wrote
    }
    with engine.begin() as conn:
        for iid, messages in conversations.items():
            conn.execute(sa.text(INTERACTION), {"id": iid, "number": f"IMS{iid:07d}", "at": T0})
            for direction, status, minute, auto in messages:
                at = _minutes(minute)
                values = {"direction": direction, "status": status, "auto": auto, "at": at}
                conn.execute(sa.text(MESSAGE), {**values, "interaction": iid})
    engine.dispose()

    command.upgrade(databases.alembic_config(older), "head")

    engine = make_engine(older)
    with Session(engine) as session:
        found = session.exec(select(Interaction).order_by(col(Interaction.id))).all()
        facts = [(i.id, i.first_inbound_at, i.first_response_at) for i in found]
    engine.dispose()
    assert facts == [
        (1, _minutes(10), _minutes(30)),
        (2, _minutes(5), None),
        (3, None, None),
    ]
