"""Twilio's own webhook payloads (tests/fixtures/twilio/), signed and posted over HTTP.

Our simulator shares the app's keyword code, so a wrong keyword or a field read under the wrong
name would pass its tests. These replay what Twilio documents and sends instead, and every
expectation below (keywords, status order) is written from Twilio's docs, not from the app.
"""

from __future__ import annotations

import logging

import httpx
import pytest
from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.models import AcceptedWebhook, Attachment, Interaction, Message, OptOut
from agent_workspace.services.channels.settings import create_channel
from agent_workspace.services.conversation.conversation import load_conversation
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.outbox import claims, statuses
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, audit_rows
from tests.support import twilio_payloads
from tests.support.factories import SUPPORT_NUMBER
from tests.support.twilio_payloads import Form

INBOUND = "/api/twilio/inbound"
STATUS = "/api/twilio/status"
OUTBOUND_SID = "SM" + "0123456789abcdef" * 2

# Twilio's default keywords, from its support article "Twilio support for opt-out keywords (SMS
# STOP filtering)" (REVOKE and OPTOUT since May 2025). Matched when they are the whole body, in
# any case. Written here on purpose: never import the app's own lists into this file.
TWILIO_OPT_OUT = ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT")
TWILIO_OPT_IN = ("START", "YES", "UNSTOP")
TWILIO_HELP = ("HELP", "INFO")


def _post(pipeline: Pipeline, path: str, form: Form) -> httpx.Response:
    """Posts as Twilio does; an accepted inbound is then routed, as the app's router does."""
    response = twilio_payloads.post(
        api_url=pipeline.api.url,
        public_url=pipeline.base_url,
        path=path,
        form=form,
        auth_token=pipeline.auth_token,
    )
    if path == INBOUND:
        pipeline.route()
    return response


def _inbound(
    pipeline: Pipeline,
    name: str,
    *,
    to: str = SUPPORT_NUMBER,
    phone: str = CONSUMER_PHONE,
    sid: str | None = None,
    **fields: str,
) -> Form:
    form = twilio_payloads.load(
        f"inbound/{name}",
        account_sid=pipeline.account_sid,
        ours=to,
        theirs=phone,
        sid=sid,
        fields=fields,
    )
    response = _post(pipeline, INBOUND, form)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/xml")
    return form


def _message(sid: str) -> Message:
    with transaction() as session:
        return session.exec(select(Message).where(Message.provider_sid == sid)).one()


def _opt_out(phone: str = CONSUMER_PHONE, sender: str = SUPPORT_NUMBER) -> OptOut | None:
    with transaction() as session:
        return session.exec(
            select(OptOut).where(OptOut.sender == sender, OptOut.phone == phone)
        ).first()


def _opted_out(phone: str = CONSUMER_PHONE) -> bool:
    row = _opt_out(phone)
    return row is not None and row.opted_out


def _sid(n: int) -> str:
    return f"SM{n:032x}"


# Inbound messages


@pytest.mark.parametrize("name", twilio_payloads.names("inbound"))
def test_every_inbound_payload_is_answered_and_kept_as_posted(
    pipeline: Pipeline, name: str
) -> None:
    form = _inbound(pipeline, name)
    fields = dict(form)
    message = _message(fields["MessageSid"])
    assert (message.from_number, message.to_number) == (CONSUMER_PHONE, SUPPORT_NUMBER)
    assert message.body == fields["Body"]
    with transaction() as session:
        kept = session.exec(
            select(AcceptedWebhook).where(AcceptedWebhook.sid == fields["MessageSid"])
        ).one()
    assert kept.fields == fields and kept.settled_at is not None and kept.error is None


def test_a_captured_sms_opens_an_interaction_with_its_text(pipeline: Pipeline) -> None:
    fields = dict(_inbound(pipeline, "sms"))
    message = _message(fields["MessageSid"])
    assert message.body == "Hi, my order #4521 hasn't arrived yet. Can you check? Thanks!"
    assert message.direction.value == "inbound" and message.status.value == "received"
    with transaction() as session:
        interaction = session.get(Interaction, message.interaction_id)
        assert interaction is not None
        assert interaction.phone == CONSUMER_PHONE


def test_a_captured_mms_keeps_its_three_media_in_order_with_their_types(
    pipeline: Pipeline,
) -> None:
    fields = dict(_inbound(pipeline, "mms_three_media"))
    assert fields["MessageSid"].startswith("MM") and fields["NumMedia"] == "3"
    message = _message(fields["MessageSid"])
    assert message.body == "Photos of the damage + my contact card"
    with transaction() as session:
        media = session.exec(
            select(Attachment)
            .where(Attachment.message_id == message.id)
            .order_by(col(Attachment.id))
        ).all()
    assert [a.content_type for a in media] == ["image/jpeg", "image/png", "text/vcard"]
    assert [a.provider_media_url for a in media] == [fields[f"MediaUrl{i}"] for i in range(3)]
    # The URLs name the test's account: a fetch would be signed with its credentials.
    assert all(f"/Accounts/{pipeline.account_sid}/" in (a.provider_media_url or "") for a in media)


def test_a_message_through_a_messaging_service_goes_to_the_channel_of_its_number(
    pipeline: Pipeline,
) -> None:
    """MessagingServiceSid names a pool of senders; the number texted (To) names the channel."""
    billing = "+14155550177"
    with transaction() as session:
        channel = create_channel(
            session=session,
            name="Billing",
            provider_numbers=((billing, "billing line"),),
            policy=AttachmentPolicy(),
        )
        billing_channel = channel.id
    fields = dict(_inbound(pipeline, "sms_messaging_service", to=billing))
    assert fields["MessagingServiceSid"] == twilio_payloads.MESSAGING_SERVICE_SID
    message = _message(fields["MessageSid"])
    assert message.to_number == billing
    with transaction() as session:
        interaction = session.get(Interaction, message.interaction_id)
        assert interaction is not None and interaction.channel_id == billing_channel


# Keywords: Twilio's documented lists


@pytest.mark.parametrize(
    ("name", "opted_out"),
    [
        ("stop", True),
        ("stop_lowercase_spaced", True),
        ("unsubscribe", True),
        ("stop_advanced_opt_out", True),
        ("custom_opt_out_keyword", True),  # OptOutType=STOP for a word only the service knows
        ("help", False),
        ("help_advanced_opt_out", False),
        ("stop_in_a_sentence", False),  # only a whole-body keyword counts
    ],
)
def test_keyword_payloads_have_the_effect_twilio_documents(
    pipeline: Pipeline, name: str, opted_out: bool
) -> None:
    _inbound(pipeline, name)
    assert _opted_out() is opted_out
    if opted_out:
        with pytest.raises(InvalidInput, match="opted out"):
            pipeline.send(CONSUMER_PHONE, "are you there?")
    else:
        assert _opt_out() is None
        pipeline.send(CONSUMER_PHONE, "How can we help?")


@pytest.mark.parametrize("name", ["start", "start_advanced_opt_out"])
def test_start_payloads_opt_back_in(pipeline: Pipeline, name: str) -> None:
    _inbound(pipeline, "stop")
    assert _opted_out()
    _inbound(pipeline, name)
    assert not _opted_out()
    pipeline.send(CONSUMER_PHONE, "Welcome back")


@pytest.mark.parametrize("keyword", TWILIO_OPT_OUT)
def test_each_documented_opt_out_keyword_opts_out_in_any_case(
    pipeline: Pipeline, keyword: str
) -> None:
    for n, body in enumerate((keyword, keyword.lower(), keyword.title())):
        phone = f"+1201555{n:04d}"
        _inbound(pipeline, "stop", phone=phone, sid=_sid(n + 1), Body=body)
        assert _opted_out(phone), f"{body!r} did not opt {phone} out"


@pytest.mark.parametrize("keyword", TWILIO_OPT_IN)
def test_each_documented_opt_in_keyword_opts_back_in(pipeline: Pipeline, keyword: str) -> None:
    _inbound(pipeline, "stop", sid=_sid(1))
    _inbound(pipeline, "start", sid=_sid(2), Body=keyword.lower())
    assert not _opted_out()


@pytest.mark.parametrize("keyword", TWILIO_HELP)
def test_help_keywords_neither_opt_out_nor_back_in(pipeline: Pipeline, keyword: str) -> None:
    fields = dict(_inbound(pipeline, "help", sid=_sid(1), Body=keyword))
    assert _opt_out() is None
    (asked,) = audit_rows("opt_out.help_requested")
    assert asked.entity_id == _message(fields["MessageSid"]).id
    _inbound(pipeline, "stop", sid=_sid(2))
    _inbound(pipeline, "help", sid=_sid(3), Body=keyword.lower())
    assert _opted_out()


# Status callbacks


def _accepted_message(pipeline: Pipeline) -> int:
    """An outbound message the provider took as OUTBOUND_SID (queued, no callback yet)."""
    sent = pipeline.send(CONSUMER_PHONE, "Your parcel left the depot")
    (job,) = claims.claim_due()
    assert statuses.mark_accepted(
        message_id=job.message_id, lease_token=job.lease_token, sid=OUTBOUND_SID, status="queued"
    )
    return sent.message_id


def _callback(pipeline: Pipeline, name: str, **fields: str) -> httpx.Response:
    form = twilio_payloads.load(
        f"status/{name}",
        account_sid=pipeline.account_sid,
        ours=SUPPORT_NUMBER,
        theirs=CONSUMER_PHONE,
        sid=OUTBOUND_SID,
        fields=fields,
    )
    return _post(pipeline, STATUS, form)


def _status(pipeline: Pipeline, message_id: int) -> str:
    return pipeline.message(message_id).status.value


# What each callback leaves a queued message as, from Twilio's status descriptions: accepted,
# scheduled and queued come before sending; read is delivered and more; canceled (a scheduled
# message canceled before it was sent) is final.
AFTER_ONE_CALLBACK = {
    "accepted": "queued",
    "scheduled": "queued",
    "queued": "queued",
    "sending": "sending",
    "sent": "sent",
    "delivered": "delivered",
    "delivered_messaging_service": "delivered",
    "read": "delivered",
    "undelivered_30003": "undelivered",
    "failed_30007": "failed",
    "canceled": "canceled",
    "partially_delivered": "queued",
}


def test_every_status_payload_has_an_expectation() -> None:
    assert sorted(AFTER_ONE_CALLBACK) == twilio_payloads.names("status")


@pytest.mark.parametrize("name", sorted(AFTER_ONE_CALLBACK))
def test_each_status_callback_is_taken_and_moves_the_message_as_documented(
    pipeline: Pipeline, name: str
) -> None:
    message_id = _accepted_message(pipeline)
    response = _callback(pipeline, name)
    assert response.status_code in (200, 204), response.text
    message = pipeline.message(message_id)
    assert message.status.value == AFTER_ONE_CALLBACK[name]
    code = {"undelivered_30003": 30003, "failed_30007": 30007}.get(name)
    assert message.error_code == code
    if code is not None:
        assert message.error_message


def test_a_canceled_message_is_shown_as_canceled_before_it_was_sent(pipeline: Pipeline) -> None:
    """Twilio's canceled is a scheduled message canceled before it was sent: not a carrier's
    failure to deliver it."""
    message_id = _accepted_message(pipeline)
    assert _callback(pipeline, "canceled").status_code in (200, 204)
    message = pipeline.message(message_id)
    (shown,) = [m for m in load_conversation(message.interaction_id).tail if m.id == message_id]
    assert shown.status == "canceled"
    assert shown.problem == "Canceled before it was sent."
    assert message.delivered_at is None and message.error_code is None


def test_statuses_in_twilios_order_move_the_message_forward(pipeline: Pipeline) -> None:
    message_id = _accepted_message(pipeline)
    seen = []
    for name in ("accepted", "queued", "sending", "sent", "delivered", "read"):
        assert _callback(pipeline, name).status_code in (200, 204)
        seen.append(_status(pipeline, message_id))
    assert seen == ["queued", "queued", "sending", "sent", "delivered", "delivered"]
    assert pipeline.message(message_id).delivered_at is not None


@pytest.mark.parametrize(
    ("order", "final"),
    [
        (("read", "delivered", "sent", "sending", "queued", "accepted"), "delivered"),
        (("delivered", "undelivered_30003", "sent"), "delivered"),
        (("undelivered_30003", "delivered", "sending"), "undelivered"),
        (("failed_30007", "sent", "delivered", "read"), "failed"),
        (("canceled", "queued", "sending", "sent", "delivered"), "canceled"),
        (("sent", "scheduled", "accepted", "sending"), "sent"),
    ],
)
def test_late_callbacks_never_move_a_message_backwards(
    pipeline: Pipeline, order: tuple[str, ...], final: str
) -> None:
    message_id = _accepted_message(pipeline)
    for name in order:
        assert _callback(pipeline, name).status_code in (200, 204)
    assert _status(pipeline, message_id) == final


def test_a_status_twilio_adds_later_is_taken_logged_and_moves_nothing(
    pipeline: Pipeline, caplog: pytest.LogCaptureFixture
) -> None:
    """Twilio's docs warn that callbacks evolve; a new status must not be refused (Twilio logs
    a refusal as an error against our webhook) nor fail."""
    message_id = _accepted_message(pipeline)
    assert _callback(pipeline, "sent").status_code in (200, 204)
    with caplog.at_level(logging.INFO):
        response = _callback(
            pipeline, "sent", MessageStatus="delivered_to_handset", SmsStatus="delivered_to_handset"
        )
    assert response.status_code in (200, 204), response.text
    assert _status(pipeline, message_id) == "sent"
    assert any("delivered_to_handset" in r.getMessage() for r in caplog.records)


def test_a_messaging_service_callback_records_the_sender_twilio_chose(
    pipeline: Pipeline,
) -> None:
    """Through a Messaging Service Twilio picks the sender; its callback's From says which."""
    message_id = _accepted_message(pipeline)
    chosen = "+14155550177"
    with transaction() as session:  # as if the channel had sent it through the service
        row = session.get(Message, message_id)
        assert row is not None
        row.messaging_service_sid = "MG4154e1578d6f7d406e99309eed40717d"
        session.add(row)
    form = twilio_payloads.load(
        "status/delivered_messaging_service",
        account_sid=pipeline.account_sid,
        ours=chosen,
        theirs=CONSUMER_PHONE,
        sid=OUTBOUND_SID,
        fields={},
    )
    assert dict(form)["MessagingServiceSid"] and dict(form)["From"] == chosen
    assert _post(pipeline, STATUS, form).status_code in (200, 204)
    message = pipeline.message(message_id)
    assert (message.status.value, message.provider_from) == ("delivered", chosen)
