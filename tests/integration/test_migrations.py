"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from agent_workspace.db.text_search import include_name
from agent_workspace.models import Channel, ChannelUserProfile, Consumer
from agent_workspace.models.types import utcnow


def test_autogenerate_finds_no_drift_after_migrating(engine: Engine) -> None:
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_name}
        context = MigrationContext.configure(conn, opts=opts)
        assert compare_metadata(context, SQLModel.metadata) == []


def test_every_table_exists(engine: Engine) -> None:
    assert set(SQLModel.metadata.tables) <= set(sa.inspect(engine).get_table_names())


def test_database_allows_one_active_profile_per_channel_and_phone(engine: Engine) -> None:
    with Session(engine) as session:
        channel = Channel(name="SMS")
        first, second = (
            Consumer(first_name="A", last_name="A"),
            Consumer(first_name="B", last_name="B"),
        )
        session.add_all([channel, first, second])
        session.flush()
        channel_id = channel.id
        assert channel_id is not None
        session.add(
            ChannelUserProfile(channel_id=channel_id, phone="+14155550123", consumer_id=first.id)
        )
        session.add(
            ChannelUserProfile(
                channel_id=channel_id, phone="+14155550123", consumer_id=second.id, is_active=False
            )
        )
        session.commit()
        session.add(
            ChannelUserProfile(channel_id=channel_id, phone="+14155550123", consumer_id=second.id)
        )
        with pytest.raises(sa.exc.IntegrityError):
            session.commit()


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(
            Consumer(first_name="A", last_name="B", created_at=utcnow().replace(tzinfo=None))
        )
        with pytest.raises(sa.exc.StatementError, match="naive"):
            session.commit()


def test_timestamps_come_back_aware_in_utc(engine: Engine) -> None:
    with Session(engine) as session:
        consumer = Consumer(first_name="A", last_name="B")
        session.add(consumer)
        session.commit()
        session.expire_all()
        loaded = session.get(Consumer, consumer.id)
        assert loaded is not None
        assert loaded.created_at.utcoffset() is not None
        assert loaded.created_at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
