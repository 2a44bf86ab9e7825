"""The after-hours auto-reply decision (issue 27 item 9), row by row, and what an
administrator may write as the reply."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_workspace.domain.after_hours import (
    MAX_REPLY_CHARS,
    Arrival,
    Verdict,
    decide,
    reply_problem,
    reply_size,
)
from agent_workspace.domain.business_hours_text import calendar_from_text

CALENDAR = calendar_from_text(
    zone="America/New_York", hours="Mon-Fri 09:00-17:00", holidays="2026-12-25 Christmas Day"
)
MONDAY_NOON = datetime(2026, 12, 7, 17, tzinfo=UTC)  # 12:00 in New York
MONDAY_NIGHT = datetime(2026, 12, 8, 3, tzinfo=UTC)  # 22:00 in New York
SATURDAY_NOON = datetime(2026, 12, 12, 17, tzinfo=UTC)
CHRISTMAS_NOON = datetime(2026, 12, 25, 17, tzinfo=UTC)  # a Friday


@pytest.mark.parametrize(
    ("arrival", "verdict"),
    [
        (Arrival(True, CALENDAR, MONDAY_NIGHT), Verdict.SEND),
        (Arrival(True, CALENDAR, SATURDAY_NOON), Verdict.SEND),
        (Arrival(True, CALENDAR, CHRISTMAS_NOON), Verdict.SEND),
        (Arrival(True, CALENDAR, MONDAY_NOON), Verdict.OPEN),
        (Arrival(False, CALENDAR, MONDAY_NIGHT), Verdict.OFF),
        (Arrival(True, None, MONDAY_NIGHT), Verdict.NO_HOURS),
        (Arrival(True, CALENDAR, MONDAY_NIGHT, already_sent=True), Verdict.ALREADY_SENT),
        (Arrival(True, CALENDAR, MONDAY_NIGHT, opted_out=True), Verdict.OPTED_OUT),
        (Arrival(True, CALENDAR, MONDAY_NIGHT, keyword=True), Verdict.KEYWORD),
        (Arrival(True, CALENDAR, MONDAY_NOON, opted_out=True), Verdict.OPEN),
    ],
    ids=[
        "outside hours on a weekday night",
        "outside hours on a closed weekday",
        "on a holiday",
        "inside hours",
        "the auto-reply is off",
        "no business hours",
        "already sent in this conversation",
        "opted out",
        "a keyword text",
        "inside hours whoever texts",
    ],
)
def test_a_text_gets_the_auto_reply_only_outside_hours_once_and_never_after_a_stop(
    arrival: Arrival, verdict: Verdict
) -> None:
    assert decide(arrival) is verdict


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "Write the auto-reply"),
        ("   \n ", "Write the auto-reply"),
        ("x" * (MAX_REPLY_CHARS + 1), f"at most {MAX_REPLY_CHARS} characters (481 now)"),
        ("We are closed; we answer from 09:00.", ""),
        ("x" * MAX_REPLY_CHARS, ""),
    ],
)
def test_the_reply_is_not_empty_and_not_too_long(text: str, problem: str) -> None:
    said = reply_problem(text)
    assert (problem in said) if problem else said == ""


def test_the_form_shows_the_length_in_segments() -> None:
    assert reply_size("x" * 160) == "160 characters, 1 SMS segment"
    assert reply_size("x" * 161) == "161 characters, 2 SMS segments"
    assert reply_size("✓" * 71) == "71 characters, 2 SMS segments"
