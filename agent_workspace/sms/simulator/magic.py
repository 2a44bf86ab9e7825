"""Validation of message creates like Twilio's, and the magic numbers that force each error.

All magic To numbers are in the fictional US block +1 201 555 01xx, which the `phonenumbers`
package accepts as valid FIXED_LINE_OR_MOBILE numbers, so the app lets them through to the
provider. See README.md for the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from urllib.parse import urlsplit

E164 = re.compile(r"^\+[1-9]\d{6,14}$")
MESSAGING_SERVICE_SID = re.compile(r"^MG[0-9a-fA-F]{32}$")
MAX_BODY = 1600
MAX_MEDIA = 10


@dataclass(frozen=True)
class Magic:
    """What a magic number does.

    `http_status` set: create fails synchronously with that status and `code`.
    `http_status` None: create succeeds, then the status callbacks end in `final_status`.
    """

    code: int
    http_status: int | None
    final_status: str | None
    description: str
    retry_after: float | None = None
    once: bool = False  # only the first message to the number: later ones go through


MAGIC_NUMBERS: Mapping[str, Magic] = MappingProxyType(
    {
        "+12015550101": Magic(21211, 400, None, "To is not a valid phone number"),
        "+12015550102": Magic(21408, 400, None, "region not enabled"),
        "+12015550103": Magic(21610, 400, None, "recipient opted out (always)"),
        "+12015550104": Magic(21612, 400, None, "unroutable from this sender"),
        "+12015550105": Magic(21614, 400, None, "not a mobile number"),
        "+12015550106": Magic(21611, 400, None, "From queue full"),
        "+12015550107": Magic(20429, 429, None, "too many requests", retry_after=2.0),
        "+12015550133": Magic(30003, None, "undelivered", "unreachable handset"),
        "+12015550134": Magic(30004, None, "undelivered", "message blocked"),
        "+12015550135": Magic(30005, None, "undelivered", "unknown destination"),
        "+12015550136": Magic(30006, None, "undelivered", "landline or unreachable carrier"),
        "+12015550137": Magic(30007, None, "undelivered", "carrier filtering (spam)"),
        "+12015550138": Magic(30008, None, "failed", "unknown error"),
        "+12015550139": Magic(
            30003, None, "undelivered", "unreachable handset, once (then back on)", once=True
        ),
    }
)

#: Magic From numbers (sender side).
MAGIC_FROM_NUMBERS: Mapping[str, Magic] = MappingProxyType(
    {"+12015550199": Magic(21606, 400, None, "From is not an SMS-capable number of this account")}
)

ERROR_MESSAGES: Mapping[int, str] = MappingProxyType(
    {
        20429: "Too Many Requests",
        21211: "The 'To' number {to} is not a valid phone number.",
        21408: "Permission to send an SMS has not been enabled for the region indicated by the "
        "'To' number: {to}.",
        21602: "Message body is required.",
        21603: "A 'From' phone number is required.",
        21604: "A 'To' phone number is required.",
        21606: "The 'From' phone number provided ({from_}) is not a valid message-capable Twilio "
        "phone number for this destination/account.",
        21610: "Attempt to send to unsubscribed recipient",
        21611: "This 'From' number has exceeded the maximum number of queued messages",
        21612: "The 'To' phone number: {to}, is not currently reachable using the 'From' phone "
        "number: {from_} via SMS.",
        21614: "'To' number is not a valid mobile number",
        21617: "The concatenated message body exceeds the 1600 character limit.",
        21620: "Invalid media URL(s).",
        21623: "Number of media files exceeds allowed limit.",
        21701: "The Messaging Service does not exist",
        21704: "The Messaging Service contains no phone numbers",
        21705: "The Messaging Service is invalid",
    }
)


@dataclass(frozen=True)
class CreateError:
    """A synchronous create failure to answer with."""

    code: int
    http_status: int
    message: str
    retry_after: float | None = None


def validate_create(
    params: Mapping[str, Sequence[str]],
    *,
    provider_numbers: frozenset[str],
    is_opted_out: bool,
    has_service: Callable[[str], bool] = lambda sid: False,
) -> CreateError | None:
    """Check a create request like Twilio does; None when the message is accepted.

    A MessagingServiceSid must have Twilio's shape (21705) and be one of the account's
    services (21701), whose sender pool (the provider numbers) must not be empty (21704)."""
    to = _first(params, "To")
    from_ = _first(params, "From")
    body = _first(params, "Body")
    media_urls = list(params.get("MediaUrl", []))

    def error(code: int, http_status: int = 400, retry_after: float | None = None) -> CreateError:
        message = ERROR_MESSAGES.get(code, "Error").format(to=to, from_=from_)
        return CreateError(code, http_status, message, retry_after)

    service = _first(params, "MessagingServiceSid")
    if not to:
        return error(21604)
    if service and not MESSAGING_SERVICE_SID.match(service):
        return error(21705)
    if service and not has_service(service):
        return error(21701)
    if service and not from_ and not provider_numbers:
        return error(21704)
    if not from_ and not service:
        return error(21603)
    if not body and not media_urls:
        return error(21602)
    if len(body) > MAX_BODY:
        return error(21617)
    if len(media_urls) > MAX_MEDIA:
        return error(21623)
    if any(
        urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc
        for url in media_urls
    ):
        return error(21620)
    if not E164.match(to):
        return error(21211)
    if from_ and (
        not E164.match(from_)
        or from_ in MAGIC_FROM_NUMBERS
        or (provider_numbers and from_ not in provider_numbers)
    ):
        return error(21606)
    magic = MAGIC_NUMBERS.get(to)
    if magic is not None and magic.http_status is not None:
        return error(magic.code, magic.http_status, magic.retry_after)
    if is_opted_out:
        return error(21610)
    return None


def _first(params: Mapping[str, Sequence[str]], key: str) -> str:
    values = params.get(key) or [""]
    return values[0]
