"""Inbound media downloads back off between failures and give up with a reason, never silently."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import Attachment, utcnow
from agent_workspace.services.files import inbound_media
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel

MEDIA_URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


def _mms() -> int:
    make_channel()
    receive_sms(
        sms=InboundSms(
            sid="SM" + "a" * 32,
            from_="+14155550123",
            to=SUPPORT_NUMBER,
            body="photo",
            media=((MEDIA_URL, "image/jpeg"),),
        )
    )
    jobs = inbound_media.pending_media()
    assert [j.url for j in jobs] == [MEDIA_URL]
    return jobs[0].attachment_id


def test_a_failed_download_waits_before_it_is_tried_again(engine: Engine) -> None:
    attachment_id = _mms()
    inbound_media.media_failed(attachment_id=attachment_id, reason="provider unreachable")
    assert inbound_media.pending_media() == []
    with transaction() as session:
        attachment = session.get(Attachment, attachment_id)
        assert attachment is not None
        assert attachment.next_fetch_at is not None
        assert attachment.next_fetch_at > utcnow()
        attachment.next_fetch_at = utcnow() - timedelta(seconds=1)
    assert [j.attempts for j in inbound_media.pending_media()] == [1]


def test_after_the_last_attempt_the_reason_is_kept_and_it_is_not_tried_again(
    engine: Engine,
) -> None:
    attachment_id = _mms()
    for _ in range(inbound_media.MAX_FETCH_ATTEMPTS):
        inbound_media.media_failed(attachment_id=attachment_id, reason="HTTP 404 from the provider")
    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
    assert attachment.fetch_error == "HTTP 404 from the provider"
    assert attachment.storage_key is None
    with transaction() as session:
        row = session.get(Attachment, attachment_id)
        assert row is not None
        row.next_fetch_at = None
    assert inbound_media.pending_media() == []


def test_bytes_nobody_recognises_are_stored_as_octet_stream_never_as_declared(
    engine: Engine,
) -> None:
    attachment_id = _mms()
    inbound_media.store_media(
        attachment_id=attachment_id, data=b"\x00\x01\x02 opaque", declared_type="text/html"
    )
    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
    assert attachment.content_type == "application/octet-stream"
    assert attachment.storage_key is not None


def test_a_refusal_keeps_its_reason_at_the_first_attempt(engine: Engine) -> None:
    attachment_id = _mms()
    inbound_media.media_failed(
        attachment_id=attachment_id, reason="not a media host", permanent=True
    )
    inbound_media.media_failed(attachment_id=attachment_id, reason="later noise", permanent=True)
    with Session(engine) as session:
        attachment = session.exec(select(Attachment)).one()
    assert (attachment.fetch_error, attachment.fetch_attempts) == ("not a media host", 1)
