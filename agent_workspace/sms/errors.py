"""Which `SmsError` class each provider answer maps to.

Codes are Twilio's (https://www.twilio.com/docs/api/errors). Their words and next steps live in
one place, the error playbook (domain/error_playbook.py).
"""

from __future__ import annotations

from agent_workspace.sms.gateway import (
    OptedOutError,
    PermanentSmsError,
    RetryableSmsError,
    SmsError,
    UncertainSmsError,
)

#: Create codes that mean "this request did nothing, try again later".
RETRYABLE_CODES = frozenset({20429, 21611})


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
