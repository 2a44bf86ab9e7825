"""The after-hours auto-reply over real HTTP (issue 27 item 9): the consumer texts through the
simulator, which posts the signed webhook; routing queues the auto-reply, the dispatcher sends
it through the Twilio SDK to the simulator, and its status callbacks bring it to delivered.
Twilio retrying the webhook sends nothing twice. On SQLite and PostgreSQL."""

from __future__ import annotations

from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import Message, Role
from agent_workspace.services.channels.after_hours import AutoReply, update_auto_reply
from agent_workspace.services.channels.business_hours import update_business_hours
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, audit_rows
from tests.support.business_hours import closed_now
from tests.support.factories import SUPPORT_NUMBER, make_user

INBOUND = "/api/twilio/inbound"
REPLY = "Thanks for writing! We are closed now and answer from 09:00."


def _auto_replies() -> list[int]:
    with transaction() as session:
        found = session.exec(select(Message.id).where(col(Message.auto_reply)))
        return [i for i in found.all() if i is not None]


def test_a_text_outside_hours_is_answered_once_and_the_answer_is_delivered(
    pipeline: Pipeline,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    update_business_hours(actor=admin, hours=closed_now())
    update_auto_reply(actor=admin, setting=AutoReply(True, REPLY))

    pipeline.phone_texts("Is anyone there?")
    params = pipeline.inbound_form(7, "Hello again")
    assert pipeline.post_webhook(INBOUND, params).status_code == 200
    assert pipeline.post_webhook(INBOUND, params).status_code == 200  # Twilio retries

    [reply_id] = _auto_replies()
    reply = pipeline.drain(reply_id, "delivered")
    [sent] = pipeline.sim_messages(direction="outbound-api")
    assert sent["request_params"]["To"] == [CONSUMER_PHONE]
    assert sent["request_params"]["From"] == [SUPPORT_NUMBER]
    assert sent["request_params"]["Body"] == [REPLY]
    assert sent["status_history"] == ["queued", "sending", "sent", "delivered"]
    assert (reply.provider_sid, reply.delivered_at is not None) == (sent["sid"], True)
    assert [a.entity_id for a in audit_rows("message.auto_replied")] == [reply_id]
