"""Never sent twice: uncertain creates are reconciled with what the provider really holds, and
dispatchers whose lease ran out neither send nor record anything.

The simulator keeps messages queued for several seconds here, like a real long code working
through its queue (1 segment/s): a queued message has no DateSent yet.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import col

from agent_workspace import config
from agent_workspace.models import EarlyStatus, Message, MessageStatus
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.sms import TwilioGateway
from agent_workspace.web.runtime import make_dispatcher
from tests.integration.pipeline.conftest import (
    CONSUMER_PHONE,
    Pipeline,
    audit_rows,
    count,
)
from tests.support.factories import make_consumer

QUEUED_FOR_SECONDS = 3.0


def _keep_queued(pipeline: Pipeline, seconds: float = QUEUED_FOR_SECONDS) -> None:
    pipeline.sim_post("settings", {"status_delays": [seconds, 0.01, 0.01]})


def _configure(monkeypatch: pytest.MonkeyPatch, **settings: float) -> None:
    for name, value in settings.items():
        monkeypatch.setenv(f"AW_{name.upper()}", str(value))
    config.get_settings.cache_clear()


def _gateway(pipeline: Pipeline, timeout: float = 10.0) -> TwilioGateway:
    return TwilioGateway(
        pipeline.account_sid,
        pipeline.auth_token,
        api_base_url=pipeline.simulator.url,
        timeout=timeout,
    )


def _assert_kept_the_first_copy(pipeline: Pipeline, message: Message, fault: str) -> None:
    """One create reached the provider, it is the one the fault hit, and its statuses landed."""
    (copy,) = pipeline.sim_messages(direction="outbound-api")
    assert copy["fault"] == fault, "the copy kept is the one the uncertain attempt created"
    assert message.provider_sid == copy["sid"]
    assert message.status is MessageStatus.DELIVERED
    assert message.error_message is None, "no leftover 'Retrying: ...' once it went out"
    assert [c["status"] for c in copy["callbacks"]] == ["sending", "sent", "delivered"]
    assert all(c["ok"] for c in copy["callbacks"]), copy["callbacks"]
    # Callbacks that came before the adoption were kept and applied when it was adopted.
    moved = [a.detail["to"] for a in audit_rows("message.status", message.id)]
    assert moved and moved[-1] == "delivered", moved
    assert count(EarlyStatus) == 0


def test_a_500_for_a_message_the_provider_stored_and_queued_is_adopted_not_resent(
    pipeline: Pipeline,
) -> None:
    _keep_queued(pipeline)
    pipeline.sim_post("faults", {"kind": "http_500", "stored": True})
    sent = pipeline.send(CONSUMER_PHONE, "stored despite the 500")
    assert pipeline.dispatcher.run_once() == 1
    assert pipeline.message(sent.message_id).needs_reconcile is True

    delivered = pipeline.drain(sent.message_id, "delivered", timeout=20)
    _assert_kept_the_first_copy(pipeline, delivered, "http_500")


@pytest.mark.parametrize("stored_at", ["start", "end"])
def test_a_create_that_outlives_the_client_timeout_is_adopted_not_resent(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch, stored_at: str
) -> None:
    """The client gives up after 0.4 s; the provider answers (and, for "end", stores) at 2 s."""
    _configure(monkeypatch, outbox_reconcile_settle_seconds=3.0)
    dispatcher = make_dispatcher(gateway=_gateway(pipeline, timeout=0.4))
    _keep_queued(pipeline)
    pipeline.sim_post("faults", {"kind": "hang", "delay": 2.0, "stored_at": stored_at})
    sent = pipeline.send(CONSUMER_PHONE, "slow to confirm")
    assert dispatcher.run_once() == 1
    assert pipeline.message(sent.message_id).needs_reconcile is True

    delivered = pipeline.drain(sent.message_id, "delivered", timeout=25, dispatcher=dispatcher)
    _assert_kept_the_first_copy(pipeline, delivered, "hang")


def test_a_retry_that_succeeds_leaves_no_retrying_text(pipeline: Pipeline) -> None:
    pipeline.sim_post("faults", {"kind": "429", "retry_after": 0})
    sent = pipeline.send(CONSUMER_PHONE, "after a rate limit")
    assert pipeline.dispatcher.run_once() == 1
    assert (pipeline.message(sent.message_id).error_message or "").startswith("Retrying")
    delivered = pipeline.drain(sent.message_id, "delivered")
    assert delivered.error_message is None


def _run_together(dispatchers: list[Dispatcher], done: Callable[[], bool], limit: float) -> None:
    """Every dispatcher passes in its own thread until `done()`; fails after `limit` seconds."""
    barrier = threading.Barrier(len(dispatchers))
    errors: list[BaseException] = []

    def work(dispatcher: Dispatcher) -> None:
        try:
            barrier.wait(10)
            deadline = time.monotonic() + limit
            while not done() and time.monotonic() < deadline:
                if not dispatcher.run_once():
                    time.sleep(0.05)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(d,)) for d in dispatchers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(limit + 30)
    assert errors == []
    assert done(), "the dispatchers did not finish"


def _queue_for_many(pipeline: Pipeline, how_many: int) -> dict[int, str]:
    bodies = {}
    for i in range(how_many):
        phone = f"+120155502{i:02d}"
        make_consumer(f"Pat{i}", phone)
        body = f"hello {phone}"
        bodies[pipeline.send(phone, body).message_id] = body
    return bodies


def _all_delivered(pipeline: Pipeline, ids: list[int]) -> Callable[[], bool]:
    def done() -> bool:
        return count(
            Message, col(Message.id).in_(ids), Message.status == MessageStatus.DELIVERED
        ) == len(ids)

    return done


def _assert_each_created_once(pipeline: Pipeline, bodies: dict[int, str]) -> None:
    copies: dict[str, list[dict[str, Any]]] = {}
    for copy in pipeline.sim_messages(direction="outbound-api"):
        copies.setdefault(copy["body"], []).append(copy)
    assert {body: len(found) for body, found in copies.items()} == {
        body: 1 for body in bodies.values()
    }, "every message created exactly once at the provider"
    for message_id, body in bodies.items():
        message = pipeline.message(message_id)
        assert message.provider_sid == copies[body][0]["sid"]
        assert message.status is MessageStatus.DELIVERED
        assert len(audit_rows("message.accepted", message_id)) == 1


@pytest.mark.parametrize(
    ("provider_seconds", "dispatchers"),
    [(0.6, 3), (2.5, 2)],
    ids=["slow-within-the-lease", "slower-than-the-lease"],
)
def test_dispatchers_sharing_the_outbox_create_each_message_once(
    pipeline: Pipeline,
    monkeypatch: pytest.MonkeyPatch,
    provider_seconds: float,
    dispatchers: int,
) -> None:
    """A short lease, a slow provider: whoever lost a lease neither sends nor records."""
    _configure(monkeypatch, outbox_lease_seconds=1.5, outbox_reconcile_settle_seconds=1.0)
    bodies = _queue_for_many(pipeline, 6)
    pipeline.sim_post(
        "faults", {"kind": "hang", "count": 100, "delay": provider_seconds, "stored_at": "start"}
    )
    workers = [make_dispatcher(gateway=_gateway(pipeline)) for _ in range(dispatchers)]
    _run_together(workers, _all_delivered(pipeline, list(bodies)), limit=60)
    _assert_each_created_once(pipeline, bodies)
