"""A channel that sends through a Twilio Messaging Service (issue 26 item 9), end to end: the
admin's setting, the create with MessagingServiceSid and no From, the `accepted` answer with no
sender, the sender Twilio's callbacks name recorded on the message and shown on its bubble.

The simulator's service has one number in its pool, not the one the agent chose, so what the
message keeps can only have come from what Twilio reported.
"""

from __future__ import annotations

import pytest
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import Notice, Role
from agent_workspace.services.channels import setup
from agent_workspace.services.conversation.conversation import load_conversation
from agent_workspace.services.outbox import claims
from agent_workspace.services.outbox.statuses import Accepted, record_accepted
from agent_workspace.state.conversation_feed import message_item
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, audit_rows
from tests.support.factories import SUPPORT_NUMBER, make_user

SERVICE = "MG4154e1578d6f7d406e99309eed40717d"
POOL_NUMBER = "+14155550177"  # in the service's pool; the agent sends "from" SUPPORT_NUMBER


@pytest.fixture
def service(pipeline: Pipeline) -> str:
    ada = make_user("ada", roles=(Role.ADMIN,))
    channel = setup.setup_status(actor=ada).channel
    assert channel is not None
    saved = setup.update_sms_channel(
        actor=ada, name=channel.name, region=channel.region, messaging_service_sid=SERVICE
    )
    assert saved.messaging_service_sid == SERVICE
    pipeline.sim_post(
        "settings", {"messaging_services": [SERVICE], "provider_numbers": [POOL_NUMBER]}
    )
    return SERVICE


def _bubble_from(pipeline: Pipeline, interaction_id: int, message_id: int) -> str:
    view = load_conversation(interaction_id)
    (shown,) = [m for m in view.tail if m.id == message_id]
    return message_item(shown, labels=dict(view.labels)).via


def test_a_text_goes_through_the_service_and_keeps_the_sender_twilio_chose(
    pipeline: Pipeline, service: str
) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "Your parcel left the depot")
    assert pipeline.message(sent.message_id).messaging_service_sid == service
    assert "Twilio has not said" in _bubble_from(pipeline, sent.interaction_id, sent.message_id)
    message = pipeline.drain(sent.message_id, "delivered")
    (created,) = pipeline.sim_messages(to=CONSUMER_PHONE)
    assert created["request_params"]["MessagingServiceSid"] == [service]
    assert "From" not in created["request_params"]  # Twilio picks the sender
    assert created["status_history"][0] == "accepted"
    assert message.provider_from == POOL_NUMBER
    assert message.from_number == SUPPORT_NUMBER  # what the agent chose stays as chosen
    shown = _bubble_from(pipeline, sent.interaction_id, sent.message_id)
    assert shown == "+1 415-555-0177 via Messaging Service"
    (reported,) = audit_rows("message.sender_reported", sent.message_id)
    assert reported.detail == {"before": None, "from": POOL_NUMBER, "service": service}


def test_the_next_text_to_the_consumer_shows_the_sender_twilio_reports_again(
    pipeline: Pipeline, service: str
) -> None:
    first = pipeline.send(CONSUMER_PHONE, "First")
    pipeline.drain(first.message_id, "delivered")
    second = pipeline.send(CONSUMER_PHONE, "Second")
    message = pipeline.drain(second.message_id, "delivered")
    senders = {m["from"] for m in pipeline.sim_messages(to=CONSUMER_PHONE)}
    assert senders == {POOL_NUMBER}  # Sticky Sender, as the simulator's Twilio keeps it
    assert message.provider_from == POOL_NUMBER


def test_an_accepted_answer_without_a_sender_leaves_it_unknown_until_a_callback_names_it(
    pipeline: Pipeline, service: str
) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "Held")
    (job,) = claims.claim_due()
    assert job.messaging_service_sid == service
    answer = Accepted(job.message_id, job.lease_token, "SM" + "1" * 32, "queued", from_="")
    assert record_accepted([answer]) == {job.message_id}
    message = pipeline.message(sent.message_id)
    assert (message.status.value, message.provider_from) == ("queued", None)


def test_a_service_twilio_does_not_know_fails_the_text_with_its_error(pipeline: Pipeline) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    channel = setup.setup_status(actor=ada).channel
    assert channel is not None
    unknown = "MG" + "0" * 32
    setup.update_sms_channel(
        actor=ada, name=channel.name, region=channel.region, messaging_service_sid=unknown
    )
    sent = pipeline.send(CONSUMER_PHONE, "Nobody has this service")
    message = pipeline.drain(sent.message_id, "failed")
    assert message.error_code == 21701
    # In the playbook's words, not the 21xxx family's "check the number and the message": the
    # agent did nothing wrong, and the administrators are told (the setting is theirs).
    assert message.error_message == (
        "The Messaging Service set on the channel does not exist on our Twilio account "
        "(error 21701). Your administrator has been told; nothing you did caused it."
    )
    with transaction() as session:
        notices = session.exec(select(Notice).where(Notice.agent_id == ada.user_id)).all()
    assert [n.text for n in notices] == [
        f"Setup problem: texts from {SUPPORT_NUMBER} fail because of the account or number "
        "setup: The Messaging Service set on the channel does not exist on our Twilio account "
        "(error 21701). Agents have been told it is not them."
    ]


@pytest.mark.parametrize(
    ("pool", "service", "code"),
    [([], SERVICE, 21704), ([POOL_NUMBER], SERVICE, None)],
)
def test_a_service_with_no_numbers_fails_the_text_in_the_playbooks_words(
    pipeline: Pipeline, pool: list[str], service: str, code: int | None
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    channel = setup.setup_status(actor=ada).channel
    assert channel is not None
    setup.update_sms_channel(
        actor=ada, name=channel.name, region=channel.region, messaging_service_sid=service
    )
    pipeline.sim_post("settings", {"messaging_services": [service], "provider_numbers": pool})
    sent = pipeline.send(CONSUMER_PHONE, "Through the service")
    message = pipeline.drain(sent.message_id, "failed" if code else "delivered")
    assert message.error_code == code
    if code:
        assert (message.error_message or "").startswith(
            "The Messaging Service set on the channel has no phone numbers in its Sender Pool "
            "(error 21704)."
        )
