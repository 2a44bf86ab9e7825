"""Provider error codes in words, and their error classes."""

from __future__ import annotations

import pytest

from agent_workspace.sms import (
    OptedOutError,
    PermanentSmsError,
    RetryableSmsError,
    SmsError,
    UncertainSmsError,
    classify,
    describe_error,
)

EXPECTED_WORDS = {
    21211: "not a valid phone number",
    21408: "not enabled",
    21610: "replied STOP",
    21612: "cannot route",
    21614: "not a mobile number",
    21617: "1600 characters",
    21620: "not a valid public http(s) URL",
    21602: "empty",
    21606: "cannot send SMS",
    21611: "queue is full",
    20429: "too many requests",
    20003: "credentials",
    30003: "unreachable",
    30004: "blocked",
    30005: "unknown or no longer exists",
    30006: "landline",
    30007: "spam",
    30008: "unknown reason",
    30019: "larger than the carrier allows",
    11200: "could not download an attachment",
    12300: "file type",
}


@pytest.mark.parametrize(("code", "words"), sorted(EXPECTED_WORDS.items()))
def test_every_known_code_is_explained_in_plain_words(code: int, words: str) -> None:
    assert words in describe_error(code)
    assert str(code) not in describe_error(code)


def test_unknown_code_names_the_code() -> None:
    assert describe_error(99999) == "Provider error 99999"


def test_missing_code_still_reads_as_a_sentence() -> None:
    assert describe_error(None) == "The SMS provider reported an error."


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
    assert error.message == describe_error(21610) == str(error)
    assert isinstance(error, PermanentSmsError)
    retry = RetryableSmsError("busy", code=20429, retry_after=2.5)
    assert (retry.message, retry.retry_after, retry.http_status) == ("busy", 2.5, None)
