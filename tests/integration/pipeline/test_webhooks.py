"""The signed webhooks: signatures, idempotency, and statuses that arrive late, twice or early."""

from __future__ import annotations

import threading

import pytest
from sqlmodel import select

from agent_workspace import config
from agent_workspace.db.engine import transaction
from agent_workspace.models import AcceptedWebhook, AuditEvent, EarlyStatus, Message, MessageStatus
from agent_workspace.services.outbox import claims, statuses
from agent_workspace.sms import compute_signature
from tests.integration.pipeline.conftest import (
    CONSUMER_PHONE,
    Pipeline,
    audit_rows,
    count,
)
from tests.support.factories import SUPPORT_NUMBER
from tests.support.waiting import wait_until

INBOUND = "/api/twilio/inbound"
STATUS = "/api/twilio/status"


def _inbound_params(pipeline: Pipeline, sid: str, body: str = "Hi there") -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": pipeline.account_sid,
        "From": CONSUMER_PHONE,
        "To": SUPPORT_NUMBER,
        "Body": body,
        "NumMedia": "0",
        "NumSegments": "1",
        "SmsStatus": "received",
        "ApiVersion": "2010-04-01",
    }


def _status_params(pipeline: Pipeline, sid: str, status: str) -> dict[str, str]:
    return {
        "AccountSid": pipeline.account_sid,
        "MessageSid": sid,
        "SmsSid": sid,
        "MessageStatus": status,
        "SmsStatus": status,
        "From": SUPPORT_NUMBER,
        "To": CONSUMER_PHONE,
        "ApiVersion": "2010-04-01",
    }


def _delivered_message(pipeline: Pipeline) -> Message:
    sent = pipeline.send(CONSUMER_PHONE, "status target")
    message = pipeline.drain(sent.message_id, "delivered")
    wait_until(
        lambda: all(c["ok"] for m in pipeline.sim_messages() for c in m["callbacks"]),
        what="the simulator's callbacks to finish",
    )
    return message


def _rows() -> tuple[int, int, int, int]:
    return count(Message), count(AuditEvent), count(EarlyStatus), count(AcceptedWebhook)


@pytest.mark.parametrize("path", [INBOUND, STATUS])
def test_bad_or_missing_signatures_are_refused_and_store_nothing(
    pipeline: Pipeline, path: str
) -> None:
    sid = "SM" + "a" * 32
    params = (
        _inbound_params(pipeline, sid) if path == INBOUND else _status_params(pipeline, sid, "sent")
    )
    before = _rows()
    good = compute_signature(pipeline.auth_token, pipeline.base_url + path, params)
    tampered = {**params, "Body": "changed"} if path == INBOUND else {**params, "To": "+1999"}
    attempts = {
        "missing": pipeline.post_webhook(path, params, signature=""),
        "garbage": pipeline.post_webhook(path, params, signature="bm90IGEgc2lnbmF0dXJl"),
        "other token": pipeline.post_webhook(
            path,
            params,
            signature=compute_signature("other-token", pipeline.base_url + path, params),
        ),
        "other url": pipeline.post_webhook(
            path, params, sign_url="https://attacker.example" + path
        ),
        "other path": pipeline.post_webhook(
            path, params, sign_url=pipeline.base_url + (STATUS if path == INBOUND else INBOUND)
        ),
        "params changed after signing": pipeline.post_webhook(path, tampered, signature=good),
    }
    assert {name: r.status_code for name, r in attempts.items()} == dict.fromkeys(attempts, 403)
    assert _rows() == before
    # The same request, properly signed, is taken.
    assert pipeline.post_webhook(path, params).status_code in (200, 204)
    assert _rows() != before


def test_the_signature_is_checked_against_the_public_url_not_the_internal_one(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Behind a proxy the provider signs https://public.example/..., not 127.0.0.1:port."""
    monkeypatch.setenv("AW_PUBLIC_BASE_URL", "https://workspace.example.com/")
    config.get_settings.cache_clear()
    params = _inbound_params(pipeline, "SM" + "b" * 32)
    internal = pipeline.post_webhook(INBOUND, params, sign_url=pipeline.api.url + INBOUND)
    assert internal.status_code == 403
    assert count(Message) == 0
    public = pipeline.post_webhook(
        INBOUND, params, sign_url="https://workspace.example.com" + INBOUND
    )
    assert public.status_code == 200
    assert public.headers["content-type"].startswith("text/xml")
    assert "<Response/>" in public.text
    assert count(Message) == 1


def test_the_same_inbound_webhook_twice_stores_one_message(pipeline: Pipeline) -> None:
    params = _inbound_params(pipeline, "SM" + "c" * 32, body="Where is my order?")
    first = pipeline.post_webhook(INBOUND, params)
    second = pipeline.post_webhook(INBOUND, params)
    assert (first.status_code, second.status_code) == (200, 200)
    assert count(Message) == 1
    assert len(audit_rows("message.received")) == 1


def test_the_same_status_callback_twice_is_applied_once(pipeline: Pipeline) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "twice")
    # Nothing from the simulator: accept by hand so only our callbacks move it.
    (job,) = claims.claim_due()
    statuses.mark_accepted(
        message_id=sent.message_id,
        lease_token=job.lease_token,
        sid="SM" + "d" * 32,
        status="queued",
    )
    sid = "SM" + "d" * 32
    assert pipeline.status_callback(sid, "sent") == 204
    assert pipeline.status_callback(sid, "sent") == 204
    assert pipeline.message(sent.message_id).status is MessageStatus.SENT
    moves = audit_rows("message.status", sent.message_id)
    assert [(a.detail["from"], a.detail["to"]) for a in moves] == [("queued", "sent")]


def test_statuses_out_of_order_only_move_forward(pipeline: Pipeline) -> None:
    message = _delivered_message(pipeline)
    assert message.provider_sid is not None
    audits = len(audit_rows("message.status", message.id))
    for late in ("sent", "sending", "queued", "failed", "undelivered"):
        assert pipeline.status_callback(message.provider_sid, late, 30003) == 204
    after = pipeline.message(message.id or 0)
    assert after.status is MessageStatus.DELIVERED
    assert (after.error_code, after.delivered_at) == (None, message.delivered_at)
    assert len(audit_rows("message.status", message.id)) == audits
    # "read" is stored as delivered: no change either.
    assert pipeline.status_callback(message.provider_sid, "read") == 204
    assert pipeline.message(message.id or 0).status is MessageStatus.DELIVERED


def test_delivered_before_sent_stays_delivered(pipeline: Pipeline) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "out of order")
    sid = "SM" + "e" * 32
    (job,) = claims.claim_due()
    statuses.mark_accepted(
        message_id=sent.message_id, lease_token=job.lease_token, sid=sid, status="queued"
    )
    assert pipeline.status_callback(sid, "delivered") == 204
    assert pipeline.status_callback(sid, "sent") == 204
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.DELIVERED and message.delivered_at is not None


def test_a_callback_for_an_unknown_sid_is_kept_and_applied_on_accept(pipeline: Pipeline) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "early bird")
    sid = "SM" + "f" * 32
    (job,) = claims.claim_due()
    assert pipeline.status_callback(sid, "sent") == 204
    assert pipeline.status_callback(sid, "delivered") == 204
    assert count(EarlyStatus) == 2
    assert pipeline.message(sent.message_id).status is MessageStatus.QUEUED

    statuses.mark_accepted(
        message_id=sent.message_id, lease_token=job.lease_token, sid=sid, status="queued"
    )
    message = pipeline.message(sent.message_id)
    assert message.status is MessageStatus.DELIVERED and message.delivered_at is not None
    assert count(EarlyStatus) == 0
    # The trail reads as it happened: both moves, then the acceptance with where it ended.
    moves = [(r.detail["from"], r.detail["to"]) for r in audit_rows("message.status", message.id)]
    assert moves == [("queued", "sent"), ("sent", "delivered")]
    (accepted,) = audit_rows("message.accepted", message.id)
    assert accepted.detail == {"sid": sid, "status": "delivered"}
    assert accepted.actor == "provider" and accepted.interaction_id == message.interaction_id
    assert (accepted.id or 0) > max(r.id or 0 for r in audit_rows("message.status", message.id))


def test_callbacks_that_beat_create_are_applied_when_it_returns(pipeline: Pipeline) -> None:
    """The simulator answers create() only after its callbacks went out (a slow response)."""
    pipeline.sim_post("faults", {"kind": "hang", "count": 1, "delay": 0.6})
    sent = pipeline.send(CONSUMER_PHONE, "slow answer")
    assert pipeline.dispatcher.run_once() == 1  # blocks ~0.6 s, within the 3 s timeout
    (copy,) = pipeline.sim_messages(direction="outbound-api")
    assert copy["status"] == "delivered"
    message = pipeline.message(sent.message_id)
    assert message.provider_sid == copy["sid"]
    assert message.status is MessageStatus.DELIVERED
    with transaction() as session:
        assert session.exec(select(EarlyStatus)).all() == []


def test_unsigned_status_for_unknown_sid_is_not_kept(pipeline: Pipeline) -> None:
    response = pipeline.post_webhook(
        STATUS, _status_params(pipeline, "SM" + "9" * 32, "delivered"), signature="x"
    )
    assert response.status_code == 403
    assert count(EarlyStatus) == 0


def test_a_callback_racing_the_accept_is_never_lost(pipeline: Pipeline) -> None:
    """The callback and the accept commit at the same moment, many times over."""
    ids = [pipeline.send(CONSUMER_PHONE, f"race {n}").message_id for n in range(12)]
    tokens = {job.message_id: job.lease_token for job in claims.claim_due(limit=len(ids))}
    for n, message_id in enumerate(ids):
        sid = f"SM{n:032x}"
        barrier = threading.Barrier(2)

        def accept(
            message_id: int = message_id, sid: str = sid, barrier: threading.Barrier = barrier
        ) -> None:
            barrier.wait(5)
            statuses.mark_accepted(
                message_id=message_id, lease_token=tokens[message_id], sid=sid, status="queued"
            )

        def callback(sid: str = sid, barrier: threading.Barrier = barrier) -> None:
            barrier.wait(5)
            statuses.apply_delivery_status(sid=sid, status="delivered", error_code=None)

        threads = [threading.Thread(target=accept), threading.Thread(target=callback)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
    lost = [i for i in ids if pipeline.message(i).status is not MessageStatus.DELIVERED]
    assert lost == []
    assert count(EarlyStatus) == 0


def test_the_same_inbound_webhook_at_the_same_moment_stores_one_message(
    pipeline: Pipeline,
) -> None:
    params = _inbound_params(pipeline, "SM" + "5" * 32, body="double post")
    barrier = threading.Barrier(4)
    codes: list[int] = []

    def post() -> None:
        barrier.wait(5)
        codes.append(pipeline.post_webhook(INBOUND, params).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(15)
    assert codes == [200] * 4
    assert count(Message) == 1


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"NumMedia": "lots"}, "NumMedia must be a number"),
        ({"NumMedia": "11"}, "NumMedia must be a number"),
        ({"From": ""}, "From is required"),
        ({"To": "+15005550000"}, "not a provider number"),
    ],
)
def test_signed_but_malformed_inbound_webhooks_get_a_specific_error_and_store_nothing(
    pipeline: Pipeline, changes: dict[str, str], reason: str
) -> None:
    params = {**_inbound_params(pipeline, "SM" + "d" * 32), **changes}
    response = pipeline.post_webhook(INBOUND, params)
    assert response.status_code in (400, 404)
    assert reason in response.text
    assert count(Message) == 0
