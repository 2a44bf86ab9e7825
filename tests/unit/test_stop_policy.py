"""Is this phone stopped for this sender under the channel's policy (issue 26 item 6): one
rule, read by Send, the composer's preview, the outbox's claim and the inbound START."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.consent import (
    AT_THEIR_REQUEST,
    IMPORTED,
    INBOUND_KEYWORD,
    Stop,
    Subscription,
    stop_for,
    stop_refusal,
)

A, B, C, ELSEWHERE = "+14155550100", "+14155550101", "+14155550102", "+14155550199"
PHONE = "+14155550161"
CHANNEL, OTHER_CHANNEL = 1, 2
T0 = datetime(2026, 12, 8, 14, 3, tzinfo=UTC)


def _sub(
    sender: str, opted_out: bool, minutes: int = 0, channel: int | None = CHANNEL
) -> Subscription:
    return Subscription(
        sender, opted_out, T0 + timedelta(minutes=minutes), channel, "STOP", INBOUND_KEYWORD
    )


def _stop(sub: Subscription, *, wide: bool) -> Stop:
    return Stop(sub.sender, sub.at, sub.keyword, sub.why, sub.by, channel_wide=wide)


STOP_A, STOP_B_LATER = _sub(A, True), _sub(B, True, 5)
START_B_LATER, START_A_LATER = _sub(B, False, 5), _sub(A, False, 5)


@pytest.mark.parametrize(
    ("case", "sender", "subs", "wide", "expected"),
    [
        ("nothing recorded", A, [], True, None),
        ("a STOP to the same number, policy off", A, [STOP_A], False, _stop(STOP_A, wide=False)),
        ("a STOP to the same number, policy on", A, [STOP_A], True, _stop(STOP_A, wide=False)),
        ("a STOP to another number, policy off", B, [STOP_A], False, None),
        ("a STOP to another number, policy on", B, [STOP_A], True, _stop(STOP_A, wide=True)),
        ("a STOP then START to the same number", A, [START_A_LATER], True, None),
        ("a START to another number lifts it, policy on", C, [STOP_A, START_B_LATER], True, None),
        # Twilio keeps blocking the number the STOP went to until START is texted to it.
        (
            "a START elsewhere leaves the number stopped",
            A,
            [STOP_A, START_B_LATER],
            True,
            _stop(STOP_A, wide=False),
        ),
        (
            "the latest STOP names its number",
            C,
            [_sub(A, False), STOP_B_LATER],
            True,
            _stop(STOP_B_LATER, wide=True),
        ),
        (
            "a STOP to another channel's number",
            B,
            [_sub(ELSEWHERE, True, 0, OTHER_CHANNEL)],
            True,
            None,
        ),
        ("a STOP to a number no channel owns", B, [_sub(ELSEWHERE, True, 0, None)], True, None),
        ("a sender no channel owns", ELSEWHERE, [STOP_A], True, None),
    ],
)
def test_is_this_phone_stopped_for_this_sender(
    case: str, sender: str, subs: list[Subscription], wide: bool, expected: Stop | None
) -> None:
    channel = None if sender == ELSEWHERE else CHANNEL
    assert stop_for(sender, subs, channel=channel, channel_wide=wide) == expected, case


def test_a_stop_and_a_start_at_the_same_moment_stop() -> None:
    subs = [_sub(A, True), _sub(B, False)]
    assert stop_for(C, subs, channel=CHANNEL, channel_wide=True) == _stop(subs[0], wide=True)


@pytest.mark.parametrize(
    ("stop", "sender", "words"),
    [
        (
            _stop(STOP_A, wide=False),
            A,
            f"{PHONE} has opted out of messages from {A} (they texted STOP on 2026-12-08 "
            "14:03 UTC). Sending is refused until they text START.",
        ),
        (
            _stop(STOP_A, wide=True),
            B,
            f"{PHONE} has opted out of messages from {A} (they texted STOP on 2026-12-08 "
            "14:03 UTC), and the channel's policy stops every number after a STOP to one: "
            f"sending from {B} is refused until they text START to any of its numbers.",
        ),
        (
            Stop(A, T0, "", AT_THEIR_REQUEST, "Bob Agent", channel_wide=False),
            A,
            f"{PHONE} has opted out of messages from {A} (Bob Agent opted them out at their "
            "request on 2026-12-08 14:03 UTC). Sending is refused until they text START.",
        ),
        (
            Stop(A, T0, "", IMPORTED, "Ada Admin", channel_wide=False),
            A,
            f"{PHONE} has opted out of messages from {A} (imported as opted out by Ada Admin "
            "on 2026-12-08 14:03 UTC). Sending is refused until they text START.",
        ),
    ],
)
def test_the_refusal_names_the_number_and_when(stop: Stop, sender: str, words: str) -> None:
    assert stop_refusal(stop, phone=PHONE, sender=sender) == words
