"""Acceptances recorded as a group: each answer under its own lease, early callbacks applied."""

from __future__ import annotations

from datetime import timedelta

from agent_workspace.models import EarlyStatus, MessageStatus
from agent_workspace.services.outbox import claims
from agent_workspace.services.outbox.statuses import Accepted, record_accepted
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, audit_rows, count

LOST, EARLY, PLAIN = (f"SM{n:032x}" for n in (0xA1, 0xA2, 0xA3))


def test_a_group_records_each_answer_under_its_own_lease(pipeline: Pipeline) -> None:
    ids = [pipeline.send(CONSUMER_PHONE, f"group {n}").message_id for n in range(3)]
    # Claimed with a lease that has already run out: another dispatcher takes the first one.
    tokens = {j.message_id: j.lease_token for j in claims.claim_due(limit=3, lease=timedelta(0))}
    (taken,) = claims.claim_due(limit=1)
    assert taken.message_id == ids[0]
    assert pipeline.status_callback(EARLY, "sent") == 204  # beat the create's answer

    recorded = record_accepted(
        [
            Accepted(ids[0], tokens[ids[0]], LOST, "queued"),
            Accepted(ids[1], tokens[ids[1]], EARLY, "queued"),
            Accepted(ids[2], tokens[ids[2]], PLAIN, "queued"),
        ]
    )

    assert recorded == {ids[1], ids[2]}
    lost = pipeline.message(ids[0])
    assert (lost.provider_sid, lost.lease_token) == (None, taken.lease_token)
    assert audit_rows("message.accepted", ids[0]) == []
    early, plain = pipeline.message(ids[1]), pipeline.message(ids[2])
    assert (early.provider_sid, early.status) == (EARLY, MessageStatus.SENT)
    assert (plain.provider_sid, plain.status) == (PLAIN, MessageStatus.QUEUED)
    for message in (early, plain):
        assert (message.lease_token, message.lease_until, message.needs_reconcile) == (
            None,
            None,
            False,
        )
        assert message.sent_at is not None
    assert count(EarlyStatus) == 0
    assert [r.detail for r in audit_rows("message.accepted", ids[1])] == [
        {"sid": EARLY, "status": "sent"}
    ]
    assert [r.detail for r in audit_rows("message.accepted", ids[2])] == [
        {"sid": PLAIN, "status": "queued"}
    ]
