"""Outbound SMS/MMS through the dispatcher, the Twilio SDK and the simulator, end to end."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import httpx
import pytest
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import CandidateFile
from agent_workspace.domain.error_playbook import failure_text, play_for
from agent_workspace.models import Message, MessageStatus, OptOut, utcnow
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.outbox import dispatch
from agent_workspace.services.outbox.dispatch import Dispatcher
from tests.integration.pipeline.conftest import (
    CONSUMER_PHONE,
    PNG,
    Pipeline,
    audit_rows,
    count,
)
from tests.support.factories import BILLING_NUMBER, SUPPORT_NUMBER
from tests.support.waiting import wait_until


def test_send_mms_reaches_the_provider_exactly_and_ends_delivered(pipeline: Pipeline) -> None:
    sent = pipeline.send(
        "(201) 555-0150", "Your parcel ✓", files=(CandidateFile("label.png", PNG),)
    )
    assert pipeline.message(sent.message_id).status is MessageStatus.QUEUED

    message = pipeline.drain(sent.message_id, "delivered")

    (copy,) = pipeline.sim_messages(direction="outbound-api")
    params = copy["request_params"]
    assert params["To"] == [CONSUMER_PHONE]
    assert params["From"] == [SUPPORT_NUMBER]
    assert params["Body"] == ["Your parcel ✓"]
    assert params["StatusCallback"] == [f"{pipeline.base_url}/api/twilio/status"]
    (media_url,) = params["MediaUrl"]
    assert media_url.startswith(f"{pipeline.base_url}/api/media/")
    served = httpx.get(media_url, timeout=5)
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/png"
    assert hashlib.sha256(served.content).hexdigest() == hashlib.sha256(PNG).hexdigest()
    # The simulator fetched it too, as Twilio would, without credentials.
    assert copy["media"] == [
        {"sid": copy["media"][0]["sid"], "content_type": "image/png", "size": len(PNG)}
    ]

    assert message.provider_sid == copy["sid"]
    assert copy["status_history"] == ["queued", "sending", "sent", "delivered"]
    assert all(callback["ok"] for callback in copy["callbacks"]), copy["callbacks"]
    assert message.sent_at is not None and message.delivered_at is not None
    assert message.sent_at <= message.delivered_at
    assert (message.error_code, message.needs_reconcile, message.lease_until) == (None, False, None)


def test_attachment_with_a_non_ascii_name_is_served_to_the_provider(pipeline: Pipeline) -> None:
    """The signed media link and its headers must survive names like "café 写真.png"."""
    sent = pipeline.send(CONSUMER_PHONE, "photo", files=(CandidateFile("café 写真.png", PNG),))
    message = pipeline.drain(sent.message_id, "delivered", "failed", "undelivered")
    assert message.status is MessageStatus.DELIVERED, (message.error_code, message.error_message)
    (copy,) = pipeline.sim_messages(direction="outbound-api")
    served = httpx.get(copy["request_params"]["MediaUrl"][0], timeout=5)
    assert served.status_code == 200
    assert served.content == PNG


def _set_body(message_id: int, body: str) -> None:
    """Makes a queued row hold what the form would refuse, to reach the provider's own check."""
    with transaction() as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.body = body
        session.add(message)


def test_synchronous_refusals_fail_the_message_with_plain_words(pipeline: Pipeline) -> None:
    # Only the support number is this account's: sending from the billing line gets 21606.
    pipeline.sim_post("settings", {"provider_numbers": [SUPPORT_NUMBER]})
    expected: dict[int, int] = {}
    for to, code in [
        ("+12015550101", 21211),
        ("+12015550102", 21408),
        ("+12015550104", 21612),
        ("+12015550105", 21614),
    ]:
        expected[pipeline.send(to, f"to {to}").message_id] = code
    expected[pipeline.send(CONSUMER_PHONE, "wrong line", from_=BILLING_NUMBER).message_id] = 21606
    empty = pipeline.send("+12015550160", "will be emptied").message_id
    _set_body(empty, "")
    expected[empty] = 21602
    too_long = pipeline.send("+12015550161", "will grow").message_id
    _set_body(too_long, "x" * 1601)
    expected[too_long] = 21617

    assert pipeline.dispatcher.run_once() == len(expected)

    for message_id, code in expected.items():
        message = pipeline.message(message_id)
        assert message.status is MessageStatus.FAILED, (code, message.error_message)
        assert message.error_code == code
        assert message.error_message == failure_text(code)
        assert (message.error_message or "").endswith(play_for(code).advice)
        assert message.provider_sid is None and message.needs_reconcile is False
        assert len(audit_rows("message.failed", message_id)) == 1
    assert pipeline.sim_messages(direction="outbound-api") == []
    assert count(OptOut) == 0
    assert pipeline.dispatcher.run_once() == 0  # failed for good: never retried


def test_a_media_link_that_is_not_http_is_refused_with_21620(pipeline: Pipeline) -> None:
    dispatcher = Dispatcher(
        pipeline.gateway,
        status_callback_url=f"{pipeline.base_url}/api/twilio/status",
        media_url=lambda attachment_id, name: f"ftp://files.example/{attachment_id}/{name}",
    )
    sent = pipeline.send(CONSUMER_PHONE, "pic", files=(CandidateFile("a.png", PNG),))
    assert dispatcher.run_once() == 1
    message = pipeline.message(sent.message_id)
    assert (message.status, message.error_code) == (MessageStatus.FAILED, 21620)
    assert message.error_message == failure_text(21620)


def test_opted_out_refusal_records_the_opt_out_and_blocks_the_next_send(
    pipeline: Pipeline,
) -> None:
    opted_out = "+12015550103"
    sent = pipeline.send(opted_out, "hello?")
    assert pipeline.dispatcher.run_once() == 1
    message = pipeline.message(sent.message_id)
    assert (message.status, message.error_code) == (MessageStatus.FAILED, 21610)
    assert "opted out" in (message.error_message or "")
    with transaction() as session:
        row = session.exec(select(OptOut).where(OptOut.phone == opted_out)).one()
    assert (row.sender, row.opted_out) == (SUPPORT_NUMBER, True)

    with pytest.raises(InvalidInput, match=r"opted out.*STOP"):
        pipeline.send(opted_out, "again")
    assert pipeline.dispatcher.run_once() == 0
    assert len(pipeline.sim_messages(direction="outbound-api")) == 0
    # The channel's STOP policy (on by default) stops every line of ours after a STOP to one.
    with pytest.raises(InvalidInput, match=rf"sending from \{BILLING_NUMBER} is refused"):
        pipeline.send(opted_out, "from billing", from_=BILLING_NUMBER)


@pytest.mark.parametrize(
    ("to", "retry_after"), [("+12015550107", 2.0), ("+12015550106", None)], ids=["429", "21611"]
)
def test_rate_limits_keep_the_message_queued_and_rescheduled(
    pipeline: Pipeline, to: str, retry_after: float | None
) -> None:
    sent = pipeline.send(to, "busy")
    before = utcnow()
    assert pipeline.dispatcher.run_once() == 1
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.QUEUED
    assert message.provider_sid is None and message.error_code is None
    assert message.needs_reconcile is False  # the provider said no: nothing to look up
    assert message.next_attempt_at is not None and message.next_attempt_at > before
    if retry_after is not None:
        assert message.next_attempt_at >= before + timedelta(seconds=retry_after)
    assert (message.error_message or "").startswith("Sending again shortly (attempt 2): ")
    assert pipeline.sim_messages() == []


def test_a_pass_tries_a_message_once_even_when_its_retry_is_due_at_once(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A retry that falls due during the pass (a short backoff on a slow machine) waits for
    the next pass: one pass never hammers the provider with the same message."""
    monkeypatch.setattr(dispatch, "retry_delay", lambda *a, **k: timedelta(0))
    sent = pipeline.send("+12015550106", "busy")  # From queue full (21611), every time
    assert pipeline.dispatcher.run_once() == 1
    assert pipeline.message(sent.message_id).attempts == 1


@pytest.mark.parametrize("fault", ["429", "queue_full"])
def test_a_rate_limit_that_clears_delivers_exactly_once(pipeline: Pipeline, fault: str) -> None:
    pipeline.sim_post("faults", {"kind": fault, "count": 1, "retry_after": 1})
    sent = pipeline.send(CONSUMER_PHONE, "eventually")
    before = utcnow()
    # One claim in this pass: on a loaded machine the 1 s Retry-After can pass while the first
    # attempt is answered, and a batch would take the message again in the same pass.
    pipeline.dispatcher.batch = 1
    assert pipeline.dispatcher.run_once() == 1
    queued = pipeline.message(sent.message_id)
    assert queued.status is MessageStatus.QUEUED
    assert queued.next_attempt_at is not None
    if fault == "429":
        assert queued.next_attempt_at >= before + timedelta(seconds=1)

    message = pipeline.drain(sent.message_id, "delivered")
    assert message.attempts == 2
    assert len(pipeline.sim_messages(direction="outbound-api")) == 1
    assert len(audit_rows("message.retry_scheduled", sent.message_id)) == 1


ASYNC_FAILURES = {
    "+12015550133": ("undelivered", 30003),
    "+12015550134": ("undelivered", 30004),
    "+12015550135": ("undelivered", 30005),
    "+12015550136": ("undelivered", 30006),
    "+12015550137": ("undelivered", 30007),
    "+12015550138": ("failed", 30008),
}


def test_asynchronous_failures_arrive_by_status_callback(pipeline: Pipeline) -> None:
    sent = {to: pipeline.send(to, "will not arrive").message_id for to in ASYNC_FAILURES}
    assert pipeline.dispatcher.run_once() == len(sent)
    wait_until(
        lambda: all(
            pipeline.message(i).status.value == ASYNC_FAILURES[to][0] for to, i in sent.items()
        ),
        what="every message to reach its final status",
    )
    for to, message_id in sent.items():
        message = pipeline.message(message_id)
        code = ASYNC_FAILURES[to][1]
        assert message.error_code == code
        assert message.error_message == failure_text(code)
        assert message.provider_sid is not None and message.delivered_at is None
    copies = pipeline.sim_messages(direction="outbound-api")
    assert len(copies) == len(sent)
    wait_until(
        lambda: all(c["ok"] for m in pipeline.sim_messages() for c in m["callbacks"]),
        what="every callback answered",
    )
