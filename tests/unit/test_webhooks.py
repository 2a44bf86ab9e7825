"""The checks a signed webhook form passes before anything is stored."""

from __future__ import annotations

import pytest

from agent_workspace.domain.webhooks import (
    InboundText,
    Malformed,
    StatusReport,
    message_body,
    parse_inbound,
    parse_status,
)

SID = "SM" + "0123456789abcdef" * 2
MEDIA = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


def form(**fields: str) -> dict[str, str]:
    base = {"MessageSid": SID, "From": "+14155550123", "To": "+14155550100", "Body": "Hi"}
    return {**base, **fields}


def test_a_plain_text_is_taken() -> None:
    assert parse_inbound(form()) == InboundText(SID, "+14155550123", "+14155550100", "Hi")


def test_media_and_opt_out_type_are_kept_in_order() -> None:
    parsed = parse_inbound(
        form(
            NumMedia="2",
            MediaUrl0=MEDIA,
            MediaContentType0="image/jpeg",
            MediaUrl1=MEDIA + "2",
            OptOutType="STOP",
        )
    )
    assert isinstance(parsed, InboundText)
    assert parsed.media == ((MEDIA, "image/jpeg"), (MEDIA + "2", ""))
    assert parsed.opt_out_type == "STOP"


def test_sms_sid_stands_in_for_message_sid_and_short_codes_are_senders() -> None:
    parsed = parse_inbound({**form(From="72345"), "MessageSid": "", "SmsSid": SID})
    assert isinstance(parsed, InboundText) and (parsed.sid, parsed.from_) == (SID, "72345")


@pytest.mark.parametrize(
    ("posted", "kept"),
    [
        ("", ""),
        ("Hi", "Hi"),
        ("a\x00b", "a\ufffdb"),  # a text column cannot hold NUL (PostgreSQL)
        ("\x00\x00", "\ufffd\ufffd"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),  # nor what UTF-8 cannot encode
        ("tab\tline\nfeed\r\n", "tab\tline\nfeed\r\n"),
        ("é" * 1600, "é" * 1600),  # at the limit, whole
    ],
)
def test_a_body_keeps_what_a_column_can_hold(posted: str, kept: str) -> None:
    assert message_body(posted) == kept
    assert parse_inbound(form(Body=posted)) == InboundText(
        SID, "+14155550123", "+14155550100", kept
    )


@pytest.mark.parametrize(("length", "shown"), [(1601, "1,601"), (1024 * 1024, "1,048,576")])
def test_a_body_longer_than_an_sms_is_cut_at_1600_characters_and_says_so(
    length: int, shown: str
) -> None:
    posted = "x" * 1599 + "\x00" + "y" * (length - 1600)
    kept = message_body(posted)
    assert kept.startswith("x" * 1599 + "\ufffd")
    assert kept[1600:] == (
        f"\n[Cut: the text received was {shown} characters long; a message keeps the first "
        "1,600. The whole text is kept with the provider's webhook.]"
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"MessageSid": ""}, "MessageSid is required"),
        ({"MessageSid": "SM123"}, "32 hexadecimal"),
        ({"MessageSid": "XX" + "0" * 32}, "SM or MM"),
        ({"From": ""}, "From is required"),
        ({"To": ""}, "To is required"),
        ({"From": "whatsapp:+14155550123"}, "whatsapp: address"),
        ({"To": "Messenger:123"}, "messenger: address"),
        ({"From": "+1" + "5" * 15}, "longer than a phone number"),
        ({"From": "+0123456"}, "E.164"),
        ({"From": "12"}, "E.164"),
        ({"From": "alice"}, "E.164"),
        ({"NumMedia": "-1"}, "NumMedia"),
        ({"NumMedia": "11"}, "0 to 10"),
        ({"NumMedia": "1"}, "MediaUrl0"),
        ({"NumMedia": "1", "MediaUrl0": "ftp://host/x"}, "MediaUrl0"),
        ({"NumMedia": "1", "MediaUrl0": "https://"}, "MediaUrl0"),
        ({"NumMedia": "1", "MediaUrl0": "https://h/" + "x" * 500}, "longer than 500"),
        ({"NumMedia": "2", "MediaUrl0": MEDIA}, "MediaUrl1"),
        ({"NumMedia": "1", "MediaUrl0": MEDIA, "MediaContentType0": "x" * 101}, "Content"),
        ({"OptOutType": "X" * 21}, "OptOutType"),
        ({"NumMedia": "1", "MediaUrl0": MEDIA + "\x00"}, "MediaUrl0 holds a control character"),
        ({"NumMedia": "1", "MediaUrl0": MEDIA + "\n"}, "MediaUrl0 holds a control character"),
        (
            {"NumMedia": "1", "MediaUrl0": MEDIA, "MediaContentType0": "image/png\x00"},
            "MediaContentType0 holds a control character",
        ),
    ],
)
def test_malformed_inbound_forms_name_the_field(fields: dict[str, str], reason: str) -> None:
    parsed = parse_inbound(form(**fields))
    assert isinstance(parsed, Malformed)
    assert reason in parsed.reason


@pytest.mark.parametrize(
    ("status", "stored"),
    [
        ("queued", "queued"),
        ("sent", "sent"),
        ("DELIVERED", "delivered"),
        ("undelivered", "undelivered"),
        ("read", "delivered"),
        ("canceled", "canceled"),
        ("received", None),
        ("delivered_to_handset", None),
    ],
)
def test_statuses_twilio_reports_are_taken_in_our_words(status: str, stored: str | None) -> None:
    """Today's and tomorrow's: a status word Twilio adds later is taken too (the route logs it)
    but means no status of ours."""
    parsed = parse_status({"MessageSid": SID, "MessageStatus": status, "ErrorCode": ""})
    assert parsed == StatusReport(SID, stored, None, posted=status.lower())


def test_the_error_code_and_the_sms_fields_are_read() -> None:
    parsed = parse_status({"SmsSid": SID, "SmsStatus": "failed", "ErrorCode": "30003"})
    assert parsed == StatusReport(SID, "failed", 30003, posted="failed")


@pytest.mark.parametrize(
    ("sender", "kept"),
    [
        ("+14155550100", "+14155550100"),  # a number a Messaging Service chose
        ("12345", "12345"),  # a short code
        ("Acme Co", "Acme Co"),  # an alphanumeric sender ID
        ("", None),
        ("+1415555010012345", None),  # longer than any number
        ("Acme Company Ltd", None),  # longer than a sender ID may be
        ("whatsapp:+14155550100", None),
    ],
)
def test_the_sender_a_status_callback_names_is_kept_only_when_it_is_one(
    sender: str, kept: str | None
) -> None:
    """A From that is no sender never refuses the status (Twilio would only log our error)."""
    parsed = parse_status({"MessageSid": SID, "MessageStatus": "sent", "From": sender})
    assert parsed == StatusReport(SID, "sent", None, posted="sent", from_=kept)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"MessageStatus": "sent"}, "MessageSid is required"),
        ({"MessageSid": SID}, "(missing)"),
        ({"MessageSid": SID, "MessageStatus": "sent; drop"}, "'sent; drop'"),
        ({"MessageSid": SID, "MessageStatus": "x" * 41}, "status word"),
        ({"MessageSid": SID, "MessageStatus": "sent", "ErrorCode": "3000x"}, "ErrorCode"),
        ({"MessageSid": SID, "MessageStatus": "sent", "ErrorCode": "1234567"}, "ErrorCode"),
    ],
)
def test_malformed_status_forms_name_the_field(fields: dict[str, str], reason: str) -> None:
    parsed = parse_status(fields)
    assert isinstance(parsed, Malformed)
    assert reason in parsed.reason


def test_an_opt_out_type_no_column_can_hold_is_replaced_and_matches_no_keyword() -> None:
    """The checked text is stored in columns (accepted_webhook): a NUL would not go in."""
    parsed = parse_inbound(form(OptOutType="ST\x00OP"))
    assert isinstance(parsed, InboundText) and parsed.opt_out_type == "ST\ufffdOP"
