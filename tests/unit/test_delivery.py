"""Delivery statuses move forward only; retries back off exponentially and honour Retry-After."""

from datetime import timedelta

import pytest

from agent_workspace.domain.provider import (
    FINAL,
    advances,
    next_status_check,
    retry_delay,
    stored_status,
)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("queued", "sending"),
        ("queued", "sent"),
        ("queued", "delivered"),
        ("sending", "sent"),
        ("sent", "delivered"),
        ("sent", "undelivered"),
        ("sending", "failed"),
    ],
)
def test_forward_moves_apply(current: str, new: str) -> None:
    assert advances(current, new)


@pytest.mark.parametrize(
    ("current", "new"),
    [
        ("delivered", "sent"),
        ("delivered", "failed"),
        ("failed", "delivered"),
        ("undelivered", "delivered"),
        ("sent", "sending"),
        ("sent", "queued"),
        ("sent", "sent"),
        ("queued", "bogus"),
    ],
)
def test_backward_repeated_and_after_final_moves_do_not_apply(current: str, new: str) -> None:
    assert not advances(current, new)


@pytest.mark.parametrize(
    ("provider", "stored"),
    [
        ("accepted", "queued"),
        ("Delivered", "delivered"),
        ("read", "delivered"),
        ("canceled", "canceled"),
        ("receiving", None),
        ("nonsense", None),
    ],
)
def test_provider_statuses_map_to_workspace_statuses(provider: str, stored: str | None) -> None:
    assert stored_status(provider) == stored


@pytest.mark.parametrize(
    ("current", "provider", "moved_to"),
    [
        ("queued", "sent", "sent"),
        ("queued", "accepted", None),  # stored as queued: no move
        ("queued", "queued", None),
        ("sent", "read", "delivered"),
        ("sent", "canceled", "canceled"),
        ("canceled", "delivered", None),  # canceled is final
        ("delivered", "failed", None),  # nothing replaces a final status
        ("sent", "sending", None),  # late
        ("queued", "receiving", None),  # not an outbound status
    ],
)
def test_a_provider_status_moves_a_message_through_its_stored_word(
    current: str, provider: str, moved_to: str | None
) -> None:
    stored = stored_status(provider)
    assert (stored if stored is not None and advances(current, stored) else None) == moved_to


def test_backoff_doubles_and_is_capped() -> None:
    delays = [retry_delay(n, retry_after=None, jitter=1.0) for n in (1, 2, 3, 4, 20)]
    assert delays[:4] == [timedelta(seconds=s) for s in (1, 2, 4, 8)]
    assert delays[4] == timedelta(seconds=300)


def test_jitter_spreads_retries_between_half_and_full_delay() -> None:
    assert retry_delay(3, retry_after=None, jitter=0.0) == timedelta(seconds=2)
    assert retry_delay(3, retry_after=None, jitter=0.5) == timedelta(seconds=3)


def test_retry_after_is_a_floor() -> None:
    assert retry_delay(1, retry_after=30, jitter=0.0) == timedelta(seconds=30)
    assert retry_delay(10, retry_after=1, jitter=1.0) == timedelta(seconds=300)


@pytest.mark.parametrize(
    ("checks", "gap"),
    [
        (1, timedelta(minutes=20)),
        (2, timedelta(minutes=40)),
        (5, timedelta(hours=5, minutes=20)),
        (6, timedelta(hours=6)),
        (60, timedelta(hours=6)),
    ],
)
def test_status_checks_back_off_to_six_hours(checks: int, gap: timedelta) -> None:
    assert next_status_check(checks, first=timedelta(minutes=10)) == gap


def test_the_outbox_giving_up_is_final() -> None:
    assert "unconfirmed" in FINAL
    assert not advances("unconfirmed", "delivered")
