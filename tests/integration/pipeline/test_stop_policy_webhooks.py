"""The channel's STOP policy over HTTP (issue 26 item 6): a signed STOP webhook to one number,
then a Send from the other; refused with the policy on (the default), sent with it off."""

from __future__ import annotations

import pytest

from agent_workspace.models import MessageStatus, Role
from agent_workspace.services.channels.consent import set_stop_channel_wide
from agent_workspace.services.errors import InvalidInput
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline
from tests.support.factories import BILLING_NUMBER, SUPPORT_NUMBER, make_user


def _stop_to_support(pipeline: Pipeline) -> None:
    answer = pipeline.post_webhook("/api/twilio/inbound", pipeline.inbound_form(1, "STOP"))
    assert answer.status_code == 200


def test_a_stop_to_one_number_refuses_a_send_from_the_other(pipeline: Pipeline) -> None:
    _stop_to_support(pipeline)

    with pytest.raises(InvalidInput) as refused:
        pipeline.send(CONSUMER_PHONE, "From billing", from_=BILLING_NUMBER)
    assert f"opted out of messages from {SUPPORT_NUMBER} (they texted STOP on " in str(
        refused.value
    )
    assert pipeline.dispatcher.run_once() == 0
    assert pipeline.sim_messages(direction="outbound-api") == []

    # A START to the other number lifts it for that number.
    start = pipeline.inbound_form(2, "START", To=BILLING_NUMBER)
    assert pipeline.post_webhook("/api/twilio/inbound", start).status_code == 200
    sent = pipeline.send(CONSUMER_PHONE, "Welcome back", from_=BILLING_NUMBER)
    assert pipeline.drain(sent.message_id, "sent", "delivered").status in {
        MessageStatus.SENT,
        MessageStatus.DELIVERED,
    }


def test_with_the_policy_off_the_other_number_still_texts(pipeline: Pipeline) -> None:
    set_stop_channel_wide(actor=make_user("ada", roles=(Role.ADMIN,)), on=False)
    _stop_to_support(pipeline)

    sent = pipeline.send(CONSUMER_PHONE, "From billing", from_=BILLING_NUMBER)
    pipeline.drain(sent.message_id, "sent", "delivered")
    assert [m["from"] for m in pipeline.sim_messages(direction="outbound-api")] == [BILLING_NUMBER]
    with pytest.raises(InvalidInput, match="Sending is refused until they text START"):
        pipeline.send(CONSUMER_PHONE, "From support")
