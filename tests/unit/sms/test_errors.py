"""Provider answers and their error classes (the words are the error playbook's)."""

from __future__ import annotations

import pytest

from agent_workspace.domain.error_playbook import play_for
from agent_workspace.sms import (
    OptedOutError,
    PermanentSmsError,
    RetryableSmsError,
    SmsError,
    UncertainSmsError,
    classify,
)


@pytest.mark.parametrize(
    ("http_status", "code", "expected"),
    [
        (400, 21610, OptedOutError),
        (400, 21211, PermanentSmsError),
        (400, 21614, PermanentSmsError),
        (400, 21408, PermanentSmsError),
        (400, 21612, PermanentSmsError),
        (400, 21606, PermanentSmsError),
        (400, 21617, PermanentSmsError),
        (400, 21620, PermanentSmsError),
        (400, 21602, PermanentSmsError),
        (401, 20003, PermanentSmsError),
        (404, 20404, PermanentSmsError),
        (400, None, PermanentSmsError),
        (429, 20429, RetryableSmsError),
        (429, None, RetryableSmsError),
        (400, 21611, RetryableSmsError),
        (500, 20500, UncertainSmsError),
        (503, None, UncertainSmsError),
        (None, None, UncertainSmsError),
    ],
)
def test_classify_chooses_the_error_class(
    http_status: int | None, code: int | None, expected: type[SmsError]
) -> None:
    assert classify(http_status, code) is expected


def test_errors_default_their_message_from_the_code() -> None:
    error = OptedOutError(code=21610, http_status=400)
    assert error.message == play_for(21610).words == str(error)
    assert isinstance(error, PermanentSmsError)
    retry = RetryableSmsError("busy", code=20429, retry_after=2.5)
    assert (retry.message, retry.retry_after, retry.http_status) == ("busy", 2.5, None)
