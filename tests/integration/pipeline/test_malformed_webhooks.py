"""Signed but malformed webhooks: a clear 4xx, and nothing stored or changed."""

from __future__ import annotations

import pytest
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import Attachment, AuditEvent, EarlyStatus, Interaction, Message
from agent_workspace.services.files import inbound_media
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, count
from tests.support.factories import SUPPORT_NUMBER

INBOUND = "/api/twilio/inbound"
STATUS = "/api/twilio/status"


def _inbound(pipeline: Pipeline, **overrides: str) -> dict[str, str]:
    params = {
        "MessageSid": "SM" + "d" * 32,
        "AccountSid": pipeline.account_sid,
        "From": CONSUMER_PHONE,
        "To": SUPPORT_NUMBER,
        "Body": "Hello",
        "NumMedia": "0",
        "ApiVersion": "2010-04-01",
    }
    params.update(overrides)
    return {k: v for k, v in params.items() if v != "<absent>"}


def _rows() -> tuple[int, ...]:
    return tuple(count(m) for m in (Message, Attachment, Interaction, AuditEvent, EarlyStatus))


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"NumMedia": "2"}, "MediaUrl0"),
        ({"NumMedia": "1", "MediaUrl0": ""}, "MediaUrl0"),
        ({"NumMedia": "1", "MediaUrl0": "javascript:alert(1)"}, "MediaUrl0"),
        ({"NumMedia": "11"}, "NumMedia"),
        ({"NumMedia": "two"}, "NumMedia"),
        ({"From": "+1415555012345678901"}, "From"),
        ({"From": "whatsapp:+14155550123"}, "whatsapp"),
        ({"To": "messenger:12345"}, "messenger"),
        ({"From": "not a phone"}, "From"),
        ({"From": "<absent>"}, "From"),
        ({"MessageSid": "<absent>"}, "MessageSid"),
        ({"MessageSid": "SM' OR 1=1 --"}, "MessageSid"),
    ],
)
def test_a_signed_but_malformed_inbound_is_refused_with_the_reason(
    pipeline: Pipeline, overrides: dict[str, str], reason: str
) -> None:
    before = _rows()
    response = pipeline.post_webhook(INBOUND, _inbound(pipeline, **overrides))
    assert response.status_code == 400
    assert reason in response.text
    assert _rows() == before


def test_a_status_callback_for_an_inbound_message_changes_nothing(pipeline: Pipeline) -> None:
    sid = "SM" + "e" * 32
    assert pipeline.post_webhook(INBOUND, _inbound(pipeline, MessageSid=sid)).status_code == 200
    before = _rows()
    for status in ("undelivered", "failed", "delivered"):
        response = pipeline.post_webhook(
            STATUS, {"MessageSid": sid, "MessageStatus": status, "ErrorCode": "30003"}
        )
        assert response.status_code == 409
        assert "inbound" in response.text
    assert _rows() == before
    with transaction() as session:
        message = session.exec(select(Message).where(Message.provider_sid == sid)).one()
    assert (message.status.value, message.error_code) == ("received", None)


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        ({"MessageSid": "SM" + "f" * 32, "MessageStatus": "sent!"}, "MessageStatus"),
        ({"MessageSid": "SM" + "f" * 32, "MessageStatus": "sent", "ErrorCode": "x"}, "ErrorCode"),
        ({"MessageSid": "nonsense", "MessageStatus": "sent"}, "MessageSid"),
    ],
)
def test_a_malformed_status_callback_is_refused(
    pipeline: Pipeline, params: dict[str, str], reason: str
) -> None:
    before = _rows()
    response = pipeline.post_webhook(STATUS, params)
    assert response.status_code == 400
    assert reason in response.text
    assert _rows() == before


def test_media_rows_that_can_never_be_fetched_do_not_block_the_download_queue(
    pipeline: Pipeline,
) -> None:
    """Rows written before validation existed must not hold the queue's head forever."""
    with transaction() as session:
        for _ in range(inbound_media.PENDING_BATCH + 2):
            session.add(Attachment(filename="bad", content_type="", size=0, provider_media_url=""))
    good = receive_sms(
        sms=InboundSms(
            sid="MM" + "a" * 32,
            from_=CONSUMER_PHONE,
            to=SUPPORT_NUMBER,
            body="",
            media=(("https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1", ""),),
        )
    )
    pending = inbound_media.pending_media()
    with transaction() as session:
        wanted = session.exec(
            select(Attachment.id).where(Attachment.message_id == good.message_id)
        ).one()
    assert [job.attachment_id for job in pending] == [wanted]
