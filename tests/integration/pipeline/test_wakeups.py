"""The commit that queues a message wakes the dispatchers: no waiting for the poll.

Every dispatcher here polls once an hour, so only a wake-up can make it send in time; the tests
assert on what woke it (its `wakeups` counter), never on how long it took.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from sqlalchemy.engine import Engine

from agent_workspace import config
from agent_workspace.db.engine import transaction
from agent_workspace.services.outbox import wakeups
from agent_workspace.services.outbox.dispatch import Dispatcher
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline
from tests.support.dependencies import shared_redis_url
from tests.support.outbox_load import queue_from_another_process, running
from tests.support.waiting import wait_until

AN_HOUR = 3600.0
REDIS_URL = shared_redis_url(7)
REDIS_HELP = (
    "Redis is not reachable at 127.0.0.1:6379; the SQLite wake-up test needs it. Start it with: "
    "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
)


def _hourly(pipeline: Pipeline, listener: wakeups.Listener | None) -> Dispatcher:
    return Dispatcher(
        pipeline.gateway,
        status_callback_url=f"{pipeline.base_url}/api/twilio/status",
        media_url=lambda i, n: f"{pipeline.base_url}/media/{i}/{n}",
        poll_seconds=AN_HOUR,
        lease=timedelta(seconds=60),
        listener=listener,
    )


def _dialect(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def cross_process_listener(pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch) -> wakeups.Listener:
    """PostgreSQL: LISTEN/NOTIFY. SQLite: Redis pub/sub (AW_REDIS_URL set for every process)."""
    settings = config.get_settings()
    if _dialect(pipeline.engine) == "sqlite":
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            pytest.fail(f"{REDIS_HELP} ({exc})", pytrace=False)
        monkeypatch.setenv("AW_REDIS_URL", REDIS_URL)
        config.get_settings.cache_clear()
        settings = config.get_settings()
    listener = wakeups.listener_for(settings.database_url, settings.redis_url)
    assert listener is not None
    return listener


def _sent_at_simulator(pipeline: Pipeline, body: str) -> list[dict[str, object]]:
    return pipeline.sim_messages(direction="outbound-api", body=body)


def test_a_commit_that_queues_a_message_wakes_this_process_dispatcher(
    pipeline: Pipeline,
) -> None:
    pipeline.sim_post("settings", {"hold_queued": True})
    with running(_hourly(pipeline, listener=None)) as dispatcher:
        pipeline.send(CONSUMER_PHONE, "woken in-process")
        wait_until(
            lambda: _sent_at_simulator(pipeline, "woken in-process"),
            timeout=20,
            what="the woken dispatcher to send",
        )
    assert dispatcher.wakeups["local"] >= 1
    assert dispatcher.wakeups["poll"] == 0
    assert len(_sent_at_simulator(pipeline, "woken in-process")) == 1


def test_a_commit_in_another_process_wakes_a_dispatcher_listening_on_its_own_connection(
    pipeline: Pipeline, cross_process_listener: wakeups.Listener
) -> None:
    pipeline.sim_post("settings", {"hold_queued": True})
    with running(_hourly(pipeline, cross_process_listener)) as dispatcher:
        before = dispatcher.wakeups.copy()
        queue_from_another_process(pipeline.agent, CONSUMER_PHONE, "woken from afar")
        wait_until(
            lambda: _sent_at_simulator(pipeline, "woken from afar"),
            timeout=20,
            what="the dispatcher to be woken by the other process",
        )
        woken_by = cross_process_listener.name
        assert dispatcher.wakeups[woken_by] > before[woken_by]
    # Nothing in this process announced it, and the hourly poll never ran.
    assert dispatcher.wakeups["local"] == 0
    assert dispatcher.wakeups["poll"] == 0
    assert len(_sent_at_simulator(pipeline, "woken from afar")) == 1


def _announce_then_fail() -> None:
    with transaction() as session:
        wakeups.announce(session)
        raise RuntimeError("the queuing transaction fails")


def test_a_rolled_back_transaction_notifies_nobody(
    pipeline: Pipeline, cross_process_listener: wakeups.Listener
) -> None:
    """NOTIFY is sent on commit only; a rollback (a refused send) wakes no dispatcher."""
    with running(_hourly(pipeline, cross_process_listener)) as dispatcher:
        before = dispatcher.wakeups.copy()
        with pytest.raises(RuntimeError, match="fails"):
            _announce_then_fail()
        pipeline.send(CONSUMER_PHONE, "after the rollback")  # a real commit, as a marker
        wait_until(
            lambda: (
                dispatcher.wakeups[cross_process_listener.name]
                > before[cross_process_listener.name]
            ),
            timeout=20,
            what="the commit's wake-up",
        )
        assert dispatcher.wakeups[cross_process_listener.name] == (
            before[cross_process_listener.name] + 1
        )
