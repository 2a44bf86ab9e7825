"""Available / Away / Offline from choice, activity and sessions (domain/availability.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.availability import (
    Availability,
    Presence,
    Reason,
    availability,
    became_available,
    idle_until,
    parse_presence,
    when_back,
    when_idle,
)

NOW = datetime(2026, 3, 9, 14, tzinfo=UTC)
TEN = timedelta(minutes=10)
AVAILABLE, AWAY, OFFLINE = Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE


@pytest.mark.parametrize(
    ("chosen", "live", "idle", "away_after", "presence", "reason", "text"),
    [
        (AVAILABLE, True, 1, TEN, AVAILABLE, Reason.CHOSEN, "Available"),
        (AVAILABLE, True, 9, TEN, AVAILABLE, Reason.CHOSEN, "Available"),
        (AVAILABLE, True, 10, TEN, AWAY, Reason.IDLE, "Away (idle)"),  # N minutes: away
        (AVAILABLE, True, 600, None, AVAILABLE, Reason.CHOSEN, "Available"),  # never idles
        (AVAILABLE, True, None, TEN, AWAY, Reason.IDLE, "Away (idle)"),  # no activity seen
        (AVAILABLE, False, 1, TEN, OFFLINE, Reason.NO_SESSION, "Offline (no session)"),
        (AWAY, True, 1, TEN, AWAY, Reason.CHOSEN, "Away"),
        (AWAY, False, 1, TEN, OFFLINE, Reason.NO_SESSION, "Offline (no session)"),
        (OFFLINE, True, 1, TEN, OFFLINE, Reason.CHOSEN, "Offline"),  # chose it, tab still open
    ],
)
def test_the_choice_is_narrowed_by_sessions_and_idleness(
    chosen: Presence,
    live: bool,
    idle: int | None,
    away_after: timedelta | None,
    presence: Presence,
    reason: Reason,
    text: str,
) -> None:
    last = None if idle is None else NOW - timedelta(minutes=idle)
    found = availability(
        chosen, live_session=live, last_activity_at=last, now=NOW, away_after=away_after
    )
    assert (found.presence, found.reason, found.text()) == (presence, reason, text)
    assert found.takes_work is (presence == AVAILABLE)


@pytest.mark.parametrize(
    ("before", "after", "hand_out"),
    [
        (Availability(AWAY, Reason.IDLE), Availability(AVAILABLE, Reason.CHOSEN), True),
        (Availability(OFFLINE, Reason.NO_SESSION), Availability(AVAILABLE, Reason.CHOSEN), True),
        (Availability(AVAILABLE, Reason.CHOSEN), Availability(AVAILABLE, Reason.CHOSEN), False),
        (Availability(AVAILABLE, Reason.CHOSEN), Availability(AWAY, Reason.IDLE), False),
        (Availability(OFFLINE, Reason.NO_SESSION), Availability(AWAY, Reason.CHOSEN), False),
    ],
)
def test_the_queue_is_handed_out_when_an_agent_becomes_available(
    before: Availability, after: Availability, hand_out: bool
) -> None:
    assert became_available(before, after) is hand_out


@pytest.mark.parametrize(
    ("text", "presence"),
    [("available", AVAILABLE), (" Away ", AWAY), ("OFFLINE", OFFLINE)],
)
def test_a_chosen_status_is_read_from_the_form(text: str, presence: Presence) -> None:
    assert parse_presence(text) == presence


@pytest.mark.parametrize("text", ["", "busy", "availabl"])
def test_an_unknown_status_names_the_choices(text: str) -> None:
    with pytest.raises(ValueError, match="choose available, away or offline"):
        parse_presence(text)


def test_the_idle_check_is_due_when_away_after_has_passed() -> None:
    assert idle_until(NOW, TEN) == NOW + TEN


@pytest.mark.parametrize(
    ("chosen", "idle", "back_auto", "back_chosen"),
    [
        (AVAILABLE, AWAY, None, None),  # idle: Away; already Available: nothing to do
        (AWAY, None, AVAILABLE, None),  # only an automatic Away turns back
        (OFFLINE, None, None, None),  # a choice of Offline is never touched
    ],
)
def test_going_idle_and_coming_back_touch_only_what_was_set_automatically(
    chosen: Presence,
    idle: Presence | None,
    back_auto: Presence | None,
    back_chosen: Presence | None,
) -> None:
    assert when_idle(chosen) == idle
    assert when_back(chosen, auto_away=True) == back_auto
    assert when_back(chosen, auto_away=False) == back_chosen


@pytest.mark.parametrize(
    ("chosen", "auto", "live", "text"),
    [
        (AWAY, True, True, "Away (idle)"),
        (AWAY, False, True, "Away"),
        (AWAY, True, False, "Offline (no session)"),
        (AVAILABLE, True, True, "Available"),  # a stale flag on Available means nothing
    ],
)
def test_an_automatic_away_reads_idle_on_the_board(
    chosen: Presence, auto: bool, live: bool, text: str
) -> None:
    found = availability(
        chosen, live_session=live, last_activity_at=NOW, now=NOW, away_after=None, auto_away=auto
    )
    assert found.text() == text
