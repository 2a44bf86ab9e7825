"""Waking outbox dispatchers when a commit queues work, in this process and in every other one.

In-process the after-commit event (events.OutboxChanged) sets the dispatcher's wake event. Across
processes: on PostgreSQL the queuing transaction itself runs `pg_notify`, which PostgreSQL delivers
only on commit (never for a rollback), and each dispatcher keeps one LISTEN connection; on SQLite
with AW_REDIS_URL set the commit is followed by a Redis PUBLISH that each dispatcher subscribes to.
A wake only makes a dispatcher look sooner: claims and leases decide who sends, so a duplicate or
lost wake-up changes nothing but latency (the slow poll is the fallback).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable
from typing import Any, Protocol

import psycopg
import redis
import redis.asyncio as aioredis
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlmodel import Session

from agent_workspace.config import get_settings
from agent_workspace.ops.health import first_line
from agent_workspace.services import events

log = logging.getLogger(__name__)
#: The NOTIFY / PUBLISH channel dispatchers listen on.
CHANNEL = "aw_outbox"
_REDIS_AFTER_COMMIT = "aw_outbox_redis"
#: Reconnect backoff of a listener: first pause and the longest one, in seconds.
RETRY_FIRST, RETRY_MOST = 0.5, 30.0

Wake = Callable[[str], None]


def announce(session: Session) -> None:
    """Called in the transaction that queued outbox work: wakes dispatchers once it commits."""
    events.after_commit(session, events.OutboxChanged())
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_notify(:channel, '')"), {"channel": CHANNEL})
    elif redis_url := get_settings().redis_url:
        session.info[_REDIS_AFTER_COMMIT] = redis_url


@event.listens_for(Session, "after_commit")
def _publish_to_redis(session: Any) -> None:
    url = session.info.pop(_REDIS_AFTER_COMMIT, None)
    if url is None:
        return
    try:
        _redis(url).publish(CHANNEL, b"")
    except redis.RedisError as problem:  # the poll still finds the work
        log.warning("could not announce queued messages over Redis: %s", first_line(problem))


@event.listens_for(Session, "after_rollback")
def _forget_redis(session: Any) -> None:
    session.info.pop(_REDIS_AFTER_COMMIT, None)


@functools.cache
def _redis(url: str) -> redis.Redis:
    # Short timeouts: this runs in the committing thread, which must not wait on Redis.
    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


class Listener(Protocol):
    """A source of cross-process wake-ups; `run` calls `wake(name)` for each, until cancelled."""

    name: str

    async def run(self, wake: Wake) -> None: ...


class PostgresListener:
    """One LISTEN connection (autocommit, outside the pool), reconnecting with backoff.

    Every (re)connect also wakes the dispatcher: notifications sent while it was not listening
    are lost, so it looks once instead.
    """

    name = "postgres"

    def __init__(self, database_url: str) -> None:
        self.conninfo = (
            make_url(database_url)
            .set(drivername="postgresql")
            .render_as_string(hide_password=False)
        )
        self.listening = asyncio.Event()

    async def run(self, wake: Wake) -> None:
        pause = RETRY_FIRST
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(
                    self.conninfo, autocommit=True
                ) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    pause = RETRY_FIRST
                    wake("reconnect")
                    async for _ in conn.notifies():
                        wake(self.name)
            except (psycopg.Error, OSError) as problem:
                log.warning(
                    "outbox LISTEN connection lost (%s); again in %.1f s",
                    first_line(problem),
                    pause,
                )
            self.listening.clear()
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MOST)


class RedisListener:
    """A Redis pub/sub subscription to the outbox channel, reconnecting with backoff."""

    name = "redis"

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url
        self.listening = asyncio.Event()

    async def run(self, wake: Wake) -> None:
        pause = RETRY_FIRST
        while True:
            client = aioredis.Redis.from_url(self.redis_url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.listening.set()
                    pause = RETRY_FIRST
                    wake("reconnect")
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            wake(self.name)
            except (redis.RedisError, OSError) as problem:
                log.warning(
                    "outbox Redis subscription lost (%s); again in %.1f s",
                    first_line(problem),
                    pause,
                )
            finally:
                await client.aclose()
            self.listening.clear()
            await asyncio.sleep(pause)
            pause = min(pause * 2, RETRY_MOST)


def listener_for(database_url: str, redis_url: str | None) -> Listener | None:
    """PostgreSQL's LISTEN when the outbox is there; else Redis when configured; else none."""
    if make_url(database_url).get_backend_name() == "postgresql":
        return PostgresListener(database_url)
    if redis_url:
        return RedisListener(redis_url)
    return None
