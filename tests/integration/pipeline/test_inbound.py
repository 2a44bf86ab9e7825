"""Texts from the consumer's phone, posted by the simulator as real signed webhooks."""

from __future__ import annotations

import base64
import hashlib

import httpx
import pytest
from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import (
    Attachment,
    Direction,
    Interaction,
    Message,
    MessageStatus,
    OptOut,
)
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.files import media_links
from agent_workspace.services.files.storage import read_bytes
from tests.integration.pipeline.conftest import (
    CONSUMER_PHONE,
    PNG,
    Pipeline,
    audit_rows,
    count,
)
from tests.support.factories import SUPPORT_NUMBER
from tests.support.waiting import wait_until

STRANGER = "+12015550180"


def _opt_out_row(phone: str = CONSUMER_PHONE) -> OptOut | None:
    with transaction() as session:
        return session.exec(
            select(OptOut).where(OptOut.sender == SUPPORT_NUMBER, OptOut.phone == phone)
        ).first()


def _inbound(sid: str) -> Message:
    with transaction() as session:
        return session.exec(select(Message).where(Message.provider_sid == sid)).one()


def _interaction(interaction_id: int) -> Interaction:
    with transaction() as session:
        interaction = session.get(Interaction, interaction_id)
        assert interaction is not None
        return interaction


def test_stop_opts_out_and_start_opts_back_in(pipeline: Pipeline) -> None:
    pipeline.phone_texts("  stop ")
    row = _opt_out_row()
    assert row is not None and row.opted_out and row.keyword == "STOP"
    assert [a.detail["opted_out"] for a in audit_rows("opt_out.changed")] == [True]

    with pytest.raises(InvalidInput, match=r"opted out.*texted STOP.*START"):
        pipeline.send(CONSUMER_PHONE, "are you there?")
    assert pipeline.dispatcher.run_once() == 0
    assert pipeline.sim_messages(direction="outbound-api") == []

    pipeline.phone_texts("Start")
    row = _opt_out_row()
    assert row is not None and not row.opted_out
    sent = pipeline.send(CONSUMER_PHONE, "welcome back")
    assert pipeline.drain(sent.message_id, "delivered").error_code is None
    assert len(pipeline.sim_messages(direction="outbound-api")) == 1
    # Both keywords are stored as messages of the conversation too.
    assert count(Message, Message.direction == Direction.INBOUND) == 2


def test_help_is_recorded_without_opting_out(pipeline: Pipeline) -> None:
    sid = pipeline.phone_texts("HELP")
    assert _opt_out_row() is None
    help_audits = audit_rows("opt_out.help_requested")
    assert len(help_audits) == 1
    assert help_audits[0].detail["phone"] == CONSUMER_PHONE
    assert help_audits[0].entity_id == _inbound(sid).id
    sent = pipeline.send(CONSUMER_PHONE, "How can we help?")
    pipeline.drain(sent.message_id, "delivered")


def test_a_sentence_containing_stop_is_not_an_opt_out(pipeline: Pipeline) -> None:
    pipeline.phone_texts("Please don't stop the deliveries")
    assert _opt_out_row() is None
    pipeline.send(CONSUMER_PHONE, "We won't")


def test_opt_out_type_from_the_provider_wins(pipeline: Pipeline) -> None:
    """Twilio's Advanced Opt-Out may treat custom words as STOP; its OptOutType decides."""
    params = {
        "MessageSid": "SM" + "7" * 32,
        "AccountSid": pipeline.account_sid,
        "From": CONSUMER_PHONE,
        "To": SUPPORT_NUMBER,
        "Body": "Arrêtez les messages",
        "NumMedia": "0",
        "OptOutType": "STOP",
    }
    assert pipeline.post_webhook("/api/twilio/inbound", params).status_code == 200
    row = _opt_out_row()
    assert row is not None and row.opted_out
    with pytest.raises(InvalidInput, match="opted out"):
        pipeline.send(CONSUMER_PHONE, "hello?")
    start = {**params, "MessageSid": "SM" + "8" * 32, "Body": "Reprendre", "OptOutType": "START"}
    assert pipeline.post_webhook("/api/twilio/inbound", start).status_code == 200
    row = _opt_out_row()
    assert row is not None and not row.opted_out


def test_inbound_mms_is_downloaded_with_auth_and_typed_by_its_bytes(pipeline: Pipeline) -> None:
    pipeline.sim_post("settings", {"media_first_fetch_404": True})
    media = [{"content_type": "image/jpeg", "data_base64": base64.b64encode(PNG).decode()}]
    sid = pipeline.phone_texts("here is the damage", media=media)
    message = _inbound(sid)
    with transaction() as session:
        (attachment,) = session.exec(
            select(Attachment).where(Attachment.message_id == message.id)
        ).all()
    assert attachment.storage_key is None and attachment.provider_media_url
    # The media URL needs the account's credentials.
    assert httpx.get(attachment.provider_media_url, timeout=5).status_code == 401

    def fetched() -> Attachment | None:
        with transaction() as session:
            row = session.get(Attachment, attachment.id)
            return row if row is not None and row.storage_key else None

    stored = wait_until(fetched, step=pipeline.dispatcher.run_once, what="the media download")
    assert stored.content_type == "image/png"  # the bytes say PNG, whatever was declared
    assert stored.size == len(PNG)
    assert stored.sha256 == hashlib.sha256(PNG).hexdigest()
    assert stored.filename.endswith(".png")
    assert stored.fetch_error is None
    assert read_bytes(stored.storage_key or "") == PNG
    assert len(audit_rows("attachment.fetched", stored.id)) == 1
    assert pipeline.dispatcher.run_once() == 0  # nothing left to fetch
    # The first fetch answered 404 (like Twilio right after the webhook): it was retried.
    sim_copy = pipeline.sim_messages(sid=sid)[0]
    assert sim_copy["media"][0]["size"] == len(PNG)
    found = pipeline.simulator.store.find_media(sim_copy["media"][0]["sid"])
    assert found is not None and found[1].fetch_count == 2


def test_a_reply_joins_the_active_interaction(pipeline: Pipeline) -> None:
    sent = pipeline.send(CONSUMER_PHONE, "Your order shipped")
    pipeline.drain(sent.message_id, "delivered")
    sid = pipeline.phone_texts("Thanks! When will it arrive?")
    reply = _inbound(sid)
    assert reply.interaction_id == sent.interaction_id
    assert (reply.direction, reply.status) == (Direction.INBOUND, MessageStatus.RECEIVED)
    assert (reply.from_number, reply.to_number) == (CONSUMER_PHONE, SUPPORT_NUMBER)
    assert reply.body == "Thanks! When will it arrive?"
    interaction = _interaction(sent.interaction_id)
    assert interaction.assigned_agent_id == pipeline.agent.user_id
    assert not interaction.virtual_agent
    with transaction() as session:
        assert len(session.exec(select(Interaction)).all()) == 1


def test_a_text_with_no_active_interaction_opens_one_for_the_virtual_agent(
    pipeline: Pipeline,
) -> None:
    sid = pipeline.phone_texts("Hello? Who is this?", phone=STRANGER)
    message = _inbound(sid)
    interaction = _interaction(message.interaction_id)
    assert interaction.virtual_agent is True
    assert interaction.assigned_agent_id is None
    assert interaction.phone == STRANGER
    assert interaction.state.value == "new"
    # A second text from the same phone goes to the same interaction.
    again = _inbound(pipeline.phone_texts("Anyone?", phone=STRANGER))
    assert again.interaction_id == interaction.id
    with transaction() as session:
        ids = session.exec(select(Message.interaction_id).order_by(col(Message.id))).all()
    assert set(ids) == {interaction.id}


def test_inbound_media_survives_a_short_provider_outage(pipeline: Pipeline) -> None:
    """A dispatcher that keeps busy must not burn every download attempt in one breath."""
    media = [{"content_type": "image/png", "data_base64": base64.b64encode(PNG).decode()}]
    sid = pipeline.phone_texts("photo during the outage", media=media)
    pipeline.simulator.stop()
    for _ in range(10):  # what run_forever does while passes report work
        pipeline.dispatcher.run_once()
    with transaction() as session:
        (attachment,) = session.exec(
            select(Attachment).where(Attachment.message_id == _inbound(sid).id)
        ).all()
    assert attachment.fetch_error is None, "given up during a blip"
    assert attachment.storage_key is None

    pipeline.simulator.start()

    def fetched() -> bool:
        with transaction() as session:
            row = session.get(Attachment, attachment.id)
            return row is not None and row.storage_key is not None

    wait_until(fetched, step=pipeline.dispatcher.run_once, timeout=10, what="the media download")


def test_a_type_lie_is_stored_and_served_as_what_the_bytes_are(pipeline: Pipeline) -> None:
    """A phone that declares image/jpeg for an HTML page gets a sandboxed text/html download."""
    page = b"<!DOCTYPE html><html><script>fetch('/_event')</script></html>"
    media = [{"content_type": "image/jpeg", "data_base64": base64.b64encode(page).decode()}]
    sid = pipeline.phone_texts("totally a photo", media=media)

    def fetched() -> Attachment | None:
        with transaction() as session:
            row = session.exec(
                select(Attachment).where(Attachment.message_id == _inbound(sid).id)
            ).one()
            return row if row.storage_key else None

    stored = wait_until(fetched, step=pipeline.dispatcher.run_once, what="the media download")
    assert stored.content_type == "text/html"
    assert not stored.filename.endswith((".jpg", ".jpeg"))
    [audit] = audit_rows("attachment.fetched", stored.id)
    assert audit.detail["declared_type"] == "image/jpeg"
    assert stored.id is not None
    served = httpx.get(media_links.media_url(stored.id, stored.filename), timeout=5)
    assert served.content == page
    assert served.headers["content-type"].startswith("text/html")
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-security-policy"] == "default-src 'none'; sandbox"
