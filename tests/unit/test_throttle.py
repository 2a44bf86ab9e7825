"""Sign-in tallies: counted in bounded windows, paused at the limit, forgiven when right."""

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.throttle import (
    ACCOUNT,
    ACCOUNT_FROM_ADDRESS,
    ADDRESS,
    Key,
    Limit,
    Tally,
    expires_at,
    forgiven,
    is_paused,
    throttle_keys,
    with_failure,
)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
LIMIT = Limit(3, timedelta(minutes=15))


def _after(failures_at_minutes: list[int]) -> Tally:
    tally = Tally(0, T0)
    for minute in failures_at_minutes:
        tally = with_failure(tally, LIMIT, T0 + timedelta(minutes=minute))
    return tally


@pytest.mark.parametrize(
    ("minutes", "failures", "paused_until"),
    [
        ([], 0, None),
        ([0], 1, None),
        ([0, 1], 2, None),
        ([0, 1, 2], 3, 17),  # the third reaches the limit: paused for a window from then
        ([0, 1, 14], 3, 29),
        ([0, 1, 15], 1, None),  # the window ended at 15: counting starts over
        ([0, 1, 16, 17], 2, None),
        ([0, 1, 2, 40], 1, None),  # after the pause and its window, a fresh start
    ],
)
def test_failures_count_within_a_window_and_pause_at_the_limit(
    minutes: list[int], failures: int, paused_until: int | None
) -> None:
    tally = _after(minutes)
    assert tally.failures == failures
    expected = None if paused_until is None else T0 + timedelta(minutes=paused_until)
    assert tally.paused_until == expected


@pytest.mark.parametrize(("minute", "paused"), [(2, True), (16, True), (17, False), (60, False)])
def test_a_pause_ends_by_itself(minute: int, paused: bool) -> None:
    assert is_paused(_after([0, 1, 2]), T0 + timedelta(minutes=minute)) is paused


def test_a_right_password_forgives_its_own_try_and_the_pause_it_set() -> None:
    tally = forgiven(_after([0, 1, 2]))
    assert (tally.failures, tally.paused_until) == (2, None)
    assert forgiven(Tally(0, T0)).failures == 0


def test_a_tally_may_be_deleted_once_its_window_and_pause_are_over() -> None:
    assert expires_at(_after([0]), LIMIT) == T0 + timedelta(minutes=15)
    assert expires_at(_after([0, 1, 14]), LIMIT) == T0 + timedelta(minutes=29)


def test_an_unknown_username_counts_only_against_the_address() -> None:
    assert throttle_keys(None, "203.0.113.7") == (Key("address:203.0.113.7", ADDRESS),)
    assert throttle_keys(12, "203.0.113.7") == (
        Key("account:12", ACCOUNT, 12),
        Key("account:12@203.0.113.7", ACCOUNT_FROM_ADDRESS, 12, cleared_by_success=True),
        Key("address:203.0.113.7", ADDRESS),
    )


def test_one_address_cannot_reach_the_account_limit_alone() -> None:
    assert ACCOUNT_FROM_ADDRESS.failures < ACCOUNT.failures <= ADDRESS.failures
    assert ACCOUNT.failures // ACCOUNT_FROM_ADDRESS.failures >= 10
