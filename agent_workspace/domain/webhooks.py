"""What a provider webhook must say before anything is stored: pure checks over its form.

A signature proves who sent a request, not that it is well formed: a signed form can still
name ten media with no URL, carry a WhatsApp address on the SMS channel, or a number longer
than any phone. Each check names the field, so the 400 tells the sender what to fix.

The Body is never refused: what a text column cannot hold is replaced, and what is longer than
an SMS is cut with a mark the agent reads; the stored webhook keeps it as posted.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from agent_workspace.domain.provider import stored_status
from agent_workspace.domain.segments import MAX_BODY_CHARS

MAX_MEDIA = 10
"""Twilio's limit of media per message."""
MAX_ADDRESS_CHARS = 16
MAX_URL_CHARS = 500
MAX_CONTENT_TYPE_CHARS = 100

# NUL (no PostgreSQL text column holds it) and lone surrogates (UTF-8 cannot encode them).
_UNHOLDABLE = re.compile("[\x00\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_SID = re.compile(r"(SM|MM)[0-9a-fA-F]{32}")
_E164 = re.compile(r"\+[1-9]\d{1,14}")
_SHORT_CODE = re.compile(r"\d{3,8}")
_ALPHANUMERIC = re.compile(r"(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}")
_PREFIX = re.compile(r"([a-z][a-z0-9+.-]*):", re.IGNORECASE)
# Twilio adds statuses over time (accepted, scheduled, read, canceled came later): a new word is
# taken and logged, never refused; only what cannot be a status word is malformed.
_STATUS_WORD = re.compile(r"[a-z][a-z_-]{0,39}")


@dataclass(frozen=True)
class InboundText:
    """An inbound message as its webhook describes it, every field checked."""

    sid: str
    from_: str
    to: str
    body: str
    media: tuple[tuple[str, str], ...] = ()  # (MediaUrlN, MediaContentTypeN)
    opt_out_type: str | None = None


@dataclass(frozen=True)
class StatusReport:
    """A delivery-status callback, every field checked.

    Attributes:
        status: The status it means for a message we send (domain/provider.py), or None when
            it means none: an inbound message's (received), or a word Twilio added later.
        posted: The status word as posted, in lower case.
        from_: The sender it names (through a Messaging Service, the one Twilio chose), or
            None when it names none a message can keep (a status is never refused for it).
    """

    sid: str
    status: str | None
    error_code: int | None
    posted: str
    from_: str | None = None


@dataclass(frozen=True)
class Malformed:
    """Why the form cannot be taken, in words naming the field."""

    reason: str


def parse_inbound(form: Mapping[str, str]) -> InboundText | Malformed:
    """The inbound message a signed form describes, or what is wrong with it."""
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if (problem := _check_sid(sid)) is not None:
        return problem
    addresses = {}
    for field in ("From", "To"):
        value = form.get(field, "")
        if (problem := _check_address(field, value)) is not None:
            return problem
        addresses[field] = value
    media = _media(form)
    if isinstance(media, Malformed):
        return media
    opt_out_type = form.get("OptOutType") or None
    if opt_out_type is not None and len(opt_out_type) > 20:
        return Malformed("OptOutType is longer than 20 characters.")
    if opt_out_type is not None:  # kept in a column, like the Body (it is then no keyword)
        opt_out_type = _UNHOLDABLE.sub("\ufffd", opt_out_type)
    return InboundText(
        sid=sid,
        from_=addresses["From"],
        to=addresses["To"],
        body=message_body(form.get("Body", "")),
        media=media,
        opt_out_type=opt_out_type,
    )


def message_body(posted: str) -> str:
    """The Body as a message keeps it: what no column can hold becomes U+FFFD (seen as �, so
    the agent knows something was there), and a text longer than an SMS can be is cut at
    MAX_BODY_CHARS with a line saying so."""
    kept = _UNHOLDABLE.sub("\ufffd", posted)
    if len(kept) <= MAX_BODY_CHARS:
        return kept
    return kept[:MAX_BODY_CHARS] + (
        f"\n[Cut: the text received was {len(kept):,} characters long; a message keeps the "
        f"first {MAX_BODY_CHARS:,}. The whole text is kept with the provider's webhook.]"
    )


def parse_status(form: Mapping[str, str]) -> StatusReport | Malformed:
    """The status callback a signed form describes, in our status words, or what is wrong
    with it."""
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    if (problem := _check_sid(sid)) is not None:
        return problem
    status = (form.get("MessageStatus") or form.get("SmsStatus") or "").strip().lower()
    if not _STATUS_WORD.fullmatch(status):
        shown = status[:40] or "(missing)"
        return Malformed(f"MessageStatus {shown!r} is not a status word (letters and _).")
    code = form.get("ErrorCode", "").strip()
    if code and not (code.isdigit() and len(code) <= 6):
        return Malformed(f"ErrorCode {code[:20]!r} is not a Twilio error code (digits).")
    return StatusReport(
        sid=sid,
        status=stored_status(status),
        error_code=int(code) if code else None,
        posted=status,
        from_=_sender(form.get("From", "")),
    )


def _sender(value: str) -> str | None:
    """A status callback's From, when it is a sender: a number in E.164, a short code or an
    alphanumeric sender ID (Twilio: at most 11 letters, digits and spaces)."""
    if _E164.fullmatch(value) or _SHORT_CODE.fullmatch(value) or _ALPHANUMERIC.fullmatch(value):
        return value
    return None


def _check_sid(sid: str) -> Malformed | None:
    if not sid:
        return Malformed("MessageSid is required.")
    if not _SID.fullmatch(sid):
        return Malformed("MessageSid must be SM or MM followed by 32 hexadecimal digits.")
    return None


def _check_address(field: str, value: str) -> Malformed | None:
    if not value:
        return Malformed(f"{field} is required.")
    if prefix := _PREFIX.match(value):
        return Malformed(
            f"{field} is a {prefix.group(1).lower()}: address; this channel takes SMS and MMS "
            "from phone numbers only."
        )
    if len(value) > MAX_ADDRESS_CHARS:
        return Malformed(f"{field} is longer than a phone number ({MAX_ADDRESS_CHARS} characters).")
    if not (_E164.fullmatch(value) or _SHORT_CODE.fullmatch(value)):
        return Malformed(f"{field} must be a phone number in E.164 form (+14155550123).")
    return None


def _media(form: Mapping[str, str]) -> tuple[tuple[str, str], ...] | Malformed:
    raw = form.get("NumMedia", "0") or "0"
    if not raw.isdigit() or int(raw) > MAX_MEDIA:
        return Malformed(f"NumMedia must be a number from 0 to {MAX_MEDIA}.")
    media = []
    for index in range(int(raw)):
        url = form.get(f"MediaUrl{index}", "")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return Malformed(f"MediaUrl{index} must be the http(s) URL of media {index + 1}.")
        if len(url) > MAX_URL_CHARS:
            return Malformed(f"MediaUrl{index} is longer than {MAX_URL_CHARS} characters.")
        content_type = form.get(f"MediaContentType{index}", "")
        if len(content_type) > MAX_CONTENT_TYPE_CHARS:
            return Malformed(f"MediaContentType{index} is longer than {MAX_CONTENT_TYPE_CHARS}.")
        for field, value in ((f"MediaUrl{index}", url), (f"MediaContentType{index}", content_type)):
            if _CONTROL.search(value):
                return Malformed(f"{field} holds a control character.")
        media.append((url, content_type))
    return tuple(media)
