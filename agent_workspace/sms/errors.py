"""Provider error codes in plain words, and which `SmsError` class each one maps to.

Codes are Twilio's (https://www.twilio.com/docs/api/errors). Synchronous codes come back from
message create; asynchronous ones arrive later as `ErrorCode` on a status callback.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from agent_workspace.sms.gateway import (
    OptedOutError,
    PermanentSmsError,
    RetryableSmsError,
    SmsError,
    UncertainSmsError,
)

ERROR_DESCRIPTIONS: Mapping[int, str] = MappingProxyType(
    {
        # Returned by message create.
        20003: "The SMS provider rejected our credentials (account SID or auth token is wrong).",
        20404: "The SMS provider does not know this resource.",
        20429: "The SMS provider is receiving too many requests; the message will be retried.",
        21211: "The recipient's phone number is not a valid phone number.",
        21408: "Sending SMS to this country or region is not enabled on the provider account.",
        20500: "The SMS provider had an internal error; the message may or may not have gone out.",
        21602: "The message is empty: add text or an attachment.",
        21603: "The message has no sending number.",
        21604: "The message has no recipient phone number.",
        21606: "The sending number cannot send SMS, or does not belong to this provider account.",
        21610: "The recipient has opted out of messages from this number (they replied STOP).",
        21611: "The sending number's queue is full; the message will be retried.",
        21612: "The provider cannot route a message to this number from this sender.",
        21614: "The recipient's number is not a mobile number and cannot receive SMS.",
        21617: "The message is too long: the limit is 1600 characters.",
        21620: "An attachment link is not a valid public http(s) URL.",
        21623: "Too many attachments: at most 10 per message.",
        # Reported later on the status callback.
        11200: "The provider could not download an attachment from our server.",
        12300: "An attachment has a file type the provider does not accept.",
        30003: "The recipient's phone is unreachable (switched off or out of coverage).",
        30004: "The message was blocked: the recipient blocks messages from this number.",
        30005: "The recipient's number is unknown or no longer exists.",
        30006: "The number is a landline or its carrier cannot receive SMS.",
        30007: "The carrier filtered the message as spam.",
        30008: "The message could not be delivered for an unknown reason.",
        30019: "The attachments are larger than the carrier allows.",
    }
)

#: Create codes that mean "this request did nothing, try again later".
RETRYABLE_CODES = frozenset({20429, 21611})


def describe_error(code: int | None) -> str:
    """Explain a provider error code in words an agent understands.

    Args:
        code: The provider's error code, or None when it gave none.

    Returns:
        One sentence; "Provider error <code>" for codes this module does not know.
    """
    if code is None:
        return "The SMS provider reported an error."
    return ERROR_DESCRIPTIONS.get(code, f"Provider error {code}")


def classify(http_status: int | None, code: int | None) -> type[SmsError]:
    """Choose the `SmsError` subclass for a provider answer.

    Args:
        http_status: HTTP status of the provider's answer, None if no answer came.
        code: The provider's error code, if any.

    Returns:
        `OptedOutError` for 21610; `RetryableSmsError` for 429 / 20429 / 21611; `UncertainSmsError`
        for 5xx or no answer (the request may have been taken); `PermanentSmsError` for any other
        4xx.
    """
    if code == 21610:
        return OptedOutError
    if code in RETRYABLE_CODES or http_status == 429:
        return RetryableSmsError
    if http_status is None or http_status >= 500:
        return UncertainSmsError
    if 400 <= http_status < 500:
        return PermanentSmsError
    return UncertainSmsError
