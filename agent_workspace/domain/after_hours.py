"""The after-hours auto-reply (issue 27 item 9): whether a text that just arrived gets the
channel's configured answer, and what an administrator may configure.

The reply goes once per conversation, only while the channel's business hours are closed,
never to a phone opted out of the number texted, and never to a keyword text (STOP, START,
HELP: the provider answers those itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from agent_workspace.domain.business_hours import Calendar, is_open
from agent_workspace.domain.segments import count_segments

MAX_REPLY_CHARS = 480  # three GSM-7 segments: an answer, not a letter
EXAMPLE_REPLY = "Thanks for your message. Our team is away right now and will answer when we open."


class Verdict(StrEnum):
    SEND = "send"
    OFF = "the auto-reply is off"
    NO_HOURS = "no business hours are set"
    OPEN = "the desk is open"
    ALREADY_SENT = "this conversation had it"
    OPTED_OUT = "the phone opted out"
    KEYWORD = "a keyword the provider answers"


@dataclass(frozen=True)
class Arrival:
    """What is known when a text arrives.

    Attributes:
        enabled: The channel's auto-reply is on (with a text).
        calendar: The channel's business hours, or None when none are set.
        at: When the text arrived (aware).
        already_sent: The conversation had the auto-reply before.
        opted_out: The phone may not be texted from the number it wrote to.
        keyword: The text is an opt-out, opt-in or help keyword.
    """

    enabled: bool
    calendar: Calendar | None
    at: datetime
    already_sent: bool = False
    opted_out: bool = False
    keyword: bool = False


def decide(arrival: Arrival) -> Verdict:
    """Whether the text gets the auto-reply, and if not, why not (the first reason)."""
    if not arrival.enabled:
        return Verdict.OFF
    if arrival.calendar is None:
        return Verdict.NO_HOURS
    if arrival.keyword:
        return Verdict.KEYWORD
    if arrival.already_sent:
        return Verdict.ALREADY_SENT
    if is_open(arrival.calendar, arrival.at):
        return Verdict.OPEN
    if arrival.opted_out:
        return Verdict.OPTED_OUT
    return Verdict.SEND


def reply_problem(text: str) -> str:
    """Why `text` cannot be the auto-reply, in words; "" when it can."""
    if not text.strip():
        return f'Write the auto-reply, e.g. "{EXAMPLE_REPLY}"'
    if len(text) > MAX_REPLY_CHARS:
        return (
            f"The auto-reply is at most {MAX_REPLY_CHARS} characters ({len(text)} now); "
            "say when you open and keep the rest for the agent."
        )
    return ""


def reply_size(text: str) -> str:
    """The text's length in words for the form, e.g. "96 characters, 1 SMS segment"."""
    info = count_segments(text)
    plural = "" if info.segments == 1 else "s"
    return f"{len(text)} characters, {info.segments} SMS segment{plural}"
