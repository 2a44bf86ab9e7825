"""Provider outages, timeouts and 5xx, and several dispatchers: never dropped, never sent twice."""

from __future__ import annotations

import threading

from agent_workspace.models import MessageStatus, utcnow
from agent_workspace.sms import TwilioGateway
from agent_workspace.web.runtime import make_dispatcher
from tests.integration.pipeline.conftest import (
    CONSUMER_PHONE,
    Pipeline,
    audit_rows,
)
from tests.support.factories import make_consumer
from tests.support.waiting import wait_until


def _due(pipeline: Pipeline, message_id: int) -> bool:
    due = pipeline.message(message_id).next_attempt_at
    return due is None or due <= utcnow()


def test_provider_down_leaves_the_message_queued_then_delivers_once(pipeline: Pipeline) -> None:
    pipeline.simulator.stop()
    sent = pipeline.send(CONSUMER_PHONE, "while you were out")
    assert pipeline.dispatcher.run_once() == 1
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.QUEUED
    assert message.error_code is None and message.provider_sid is None
    assert message.needs_reconcile is False  # connection refused: it never left
    assert message.next_attempt_at is not None
    assert "cannot be reached" in (message.error_message or "")
    assert audit_rows("message.failed", sent.message_id) == []

    pipeline.simulator.start()
    delivered = pipeline.drain(sent.message_id, "delivered")
    assert delivered.attempts == 2
    assert len(pipeline.sim_messages(direction="outbound-api", body="while you were out")) == 1


def test_a_timeout_after_the_request_went_out_is_reconciled_not_resent(
    pipeline: Pipeline,
) -> None:
    impatient = TwilioGateway(
        pipeline.account_sid,
        pipeline.auth_token,
        api_base_url=pipeline.simulator.url,
        timeout=0.4,
    )
    dispatcher = make_dispatcher(gateway=impatient)
    pipeline.sim_post("faults", {"kind": "hang", "count": 1, "delay": 1.5})
    sent = pipeline.send(CONSUMER_PHONE, "did it go?")
    assert dispatcher.run_once() == 1
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.QUEUED and message.provider_sid is None
    assert message.needs_reconcile is True
    assert "may have been sent" in (message.error_message or "")

    delivered = pipeline.drain(sent.message_id, "delivered", dispatcher=dispatcher)
    (copy,) = pipeline.sim_messages(direction="outbound-api")
    assert delivered.provider_sid == copy["sid"]
    assert delivered.attempts == 2
    accepted = audit_rows("message.accepted", sent.message_id)
    assert [a.detail["sid"] for a in accepted] == [copy["sid"]]


def test_a_500_is_reconciled_and_sent_once_when_the_provider_has_nothing(
    pipeline: Pipeline,
) -> None:
    pipeline.sim_post("faults", {"kind": "http_500", "count": 1})
    sent = pipeline.send(CONSUMER_PHONE, "after the 500")
    assert pipeline.dispatcher.run_once() == 1
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.QUEUED and message.needs_reconcile is True
    delivered = pipeline.drain(sent.message_id, "delivered")
    assert len(pipeline.sim_messages(direction="outbound-api")) == 1
    assert delivered.attempts == 2


def test_an_unreachable_provider_during_reconciliation_keeps_the_message_uncertain(
    pipeline: Pipeline,
) -> None:
    """A timeout, then the lookup cannot reach the provider: the next pass must look again."""
    impatient = TwilioGateway(
        pipeline.account_sid, pipeline.auth_token, api_base_url=pipeline.simulator.url, timeout=0.4
    )
    dispatcher = make_dispatcher(gateway=impatient)
    pipeline.sim_post("faults", {"kind": "hang", "count": 1, "delay": 0.8})
    sent = pipeline.send(CONSUMER_PHONE, "lost in the middle")
    assert dispatcher.run_once() == 1
    wait_until(lambda: pipeline.sim_messages(status="delivered"), what="the hung copy delivered")
    pipeline.simulator.stop()
    wait_until(lambda: _due(pipeline, sent.message_id), what="the retry to be due")
    assert dispatcher.run_once() == 1  # the lookup fails: connection refused
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.QUEUED
    assert message.needs_reconcile is True, "a failed lookup must not clear the doubt"

    pipeline.simulator.start()
    delivered = pipeline.drain(sent.message_id, "delivered", dispatcher=dispatcher)
    (copy,) = pipeline.sim_messages(direction="outbound-api")
    assert delivered.provider_sid == copy["sid"]


def test_two_dispatchers_at_once_send_each_message_exactly_once(pipeline: Pipeline) -> None:
    phones = [f"+120155501{n}" for n in range(70, 78)]
    for i, phone in enumerate(phones):
        make_consumer(f"Pat{i}", phone)
    ids = [pipeline.send(phone, f"hello {phone}").message_id for phone in phones]
    dispatchers = [
        make_dispatcher(
            gateway=TwilioGateway(
                pipeline.account_sid, pipeline.auth_token, api_base_url=pipeline.simulator.url
            )
        )
        for _ in range(2)
    ]
    barrier = threading.Barrier(len(dispatchers))
    handled: list[int] = []
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait(5)
            for _ in range(3):
                handled.append(dispatchers[index].run_once())
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(dispatchers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert sum(handled) == len(ids)
    for message_id in ids:
        pipeline.drain(message_id, "delivered")
    copies = pipeline.sim_messages(direction="outbound-api")
    assert sorted(c["body"] for c in copies) == sorted(f"hello {p}" for p in phones)
    for message_id in ids:
        assert len(audit_rows("message.accepted", message_id)) == 1
