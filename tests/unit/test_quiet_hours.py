"""Quiet hours judged in the consumer's local time (domain/quiet_hours.py)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from agent_workspace.domain.consumer_time import ConsumerZone, consumer_zone
from agent_workspace.domain.quiet_hours import (
    Hours,
    Policy,
    Verdict,
    Window,
    allowed_in,
    before_send,
    hours_for,
    is_exempt,
    judge,
    next_opening_in,
    scheduled_text,
    us_state,
)

LA = "+14155550123"  # San Francisco: Pacific
NY = "+12125550123"  # New York: Eastern
MIAMI = "+13055550100"  # Florida: 08:00-20:00
HARTFORD = "+18605550100"  # Connecticut: 09:00-20:00
SAN_ANTONIO = "+12105550100"  # Texas: 09:00-21:00, Sunday from noon
TOKYO = "+81312345678"


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("e164", "state"),
    [
        (MIAMI, "FL"),
        ("+14055550100", "OK"),
        ("+12405550100", "MD"),
        ("+12285550100", "MS"),
        ("+12015550100", "NJ"),
        (HARTFORD, "CT"),
        (SAN_ANTONIO, "TX"),
        (LA, "CA"),
        (TOKYO, None),
        ("not a number", None),
    ],
)
def test_the_state_comes_from_the_number(e164: str, state: str | None) -> None:
    assert us_state(e164) == state


@pytest.mark.parametrize(
    ("e164", "weekday_hours", "sunday_hours"),
    [
        (LA, "08:00-21:00", "08:00-21:00"),
        (MIAMI, "08:00-20:00", "08:00-20:00"),
        (HARTFORD, "09:00-20:00", "09:00-20:00"),
        (SAN_ANTONIO, "09:00-21:00", "12:00-21:00"),
        (TOKYO, "08:00-21:00", "08:00-21:00"),
    ],
)
def test_each_region_has_its_hours(e164: str, weekday_hours: str, sunday_hours: str) -> None:
    hours = hours_for(e164, Policy())
    assert hours.days[0] is not None and hours.days[0].text() == weekday_hours
    assert hours.days[6] is not None and hours.days[6].text() == sunday_hours


def test_a_state_rule_never_widens_the_channels_own_window() -> None:
    narrow = Policy(window=Window(time(10), time(18)))
    assert hours_for(MIAMI, narrow).days[0] == Window(time(10), time(18))
    assert hours_for(MIAMI, Policy(state_rules=False)).days[0] == Window(time(8), time(21))


def test_an_administrators_override_for_a_state_wins() -> None:
    mine = Hours.daily(time(7), time(22), "Florida")
    assert hours_for(MIAMI, Policy(overrides={"FL": mine})) is mine


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (utc(2026, 12, 7, 15, 59), False),  # 07:59 in San Francisco (PST, UTC-8)
        (utc(2026, 12, 7, 16, 0), True),  # 08:00
        (utc(2026, 12, 8, 4, 59), True),  # 20:59
        (utc(2026, 12, 8, 5, 0), False),  # 21:00: the window's end is not inside it
        (utc(2026, 7, 7, 15, 0), True),  # 08:00 in summer (PDT, UTC-7)
        (utc(2026, 7, 7, 14, 59), False),  # 07:59 PDT
    ],
)
def test_the_window_is_read_on_the_consumers_clock(moment: datetime, allowed: bool) -> None:
    assert allowed_in(moment, "America/Los_Angeles", hours_for(LA, Policy())) is allowed


@pytest.mark.parametrize(
    ("moment", "opens"),
    [
        # 03:00 in New York: the same morning at 08:00 EST
        (utc(2026, 12, 7, 8, 0), utc(2026, 12, 7, 13, 0)),
        # 22:00 in New York: the next morning
        (utc(2026, 12, 8, 3, 0), utc(2026, 12, 8, 13, 0)),
        # inside the window: now
        (utc(2026, 12, 7, 15, 0), utc(2026, 12, 7, 15, 0)),
        # the night the clocks go forward (8 March 2026, 02:00 -> 03:00): 08:00 EDT is 12:00 UTC
        (utc(2026, 3, 8, 6, 0), utc(2026, 3, 8, 12, 0)),
        # the night the clocks go back (1 November 2026): 08:00 EST is 13:00 UTC
        (utc(2026, 11, 1, 5, 30), utc(2026, 11, 1, 13, 0)),
    ],
)
def test_the_next_opening_follows_daylight_saving(moment: datetime, opens: datetime) -> None:
    assert next_opening_in(moment, "America/New_York", hours_for(NY, Policy())) == opens


def test_a_window_starting_in_the_skipped_hour_opens_when_the_clocks_have_moved() -> None:
    hours = Hours.daily(time(2, 30), time(21))
    opens = next_opening_in(utc(2026, 3, 8, 5, 0), "America/New_York", hours)
    assert opens == utc(2026, 3, 8, 7, 30)  # 03:30 EDT: 02:30 EST never happened that night


def test_texas_on_sunday_morning_waits_for_noon() -> None:
    sunday_10_central = utc(2026, 12, 6, 16, 0)  # Sunday 6 December, 10:00 CST
    verdict = judge(
        sunday_10_central,
        e164=SAN_ANTONIO,
        where=consumer_zone(SAN_ANTONIO),
        policy=Policy(),
        last_inbound_at=None,
    )
    assert not verdict.allowed
    assert verdict.opens_at == utc(2026, 12, 6, 18, 0)  # 12:00 CST
    assert "10:00 for them (Central Time)" in verdict.words
    assert "Sunday 12:00-21:00" in verdict.words and "in Texas" in verdict.words
    assert "12:00 their time (Sunday)" in verdict.words


@pytest.mark.parametrize(
    ("last_inbound_ago", "exempt"),
    [
        (None, False),
        (timedelta(hours=1), True),
        (timedelta(hours=24), True),
        (timedelta(hours=25), False),
    ],
)
def test_a_reply_within_the_exempt_period_goes_at_any_hour(
    last_inbound_ago: timedelta | None, exempt: bool
) -> None:
    now = utc(2026, 12, 7, 11, 0)  # 03:00 in San Francisco
    last = None if last_inbound_ago is None else now - last_inbound_ago
    assert is_exempt(Policy(), now=now, last_inbound_at=last) is exempt
    verdict = judge(now, e164=LA, where=consumer_zone(LA), policy=Policy(), last_inbound_at=last)
    assert verdict.allowed is exempt


def test_no_exemption_when_the_period_is_zero_and_all_allowed_when_off() -> None:
    now = utc(2026, 12, 7, 11, 0)
    none_exempt = Policy(reply_exempt_hours=0)
    assert not is_exempt(none_exempt, now=now, last_inbound_at=now - timedelta(minutes=1))
    off = Policy(enabled=False)
    assert judge(now, e164=LA, where=consumer_zone(LA), policy=off, last_inbound_at=None).allowed


def test_the_persons_stored_zone_decides_for_a_number_in_several() -> None:
    anywhere = "+15005550006"  # non-geographic: every North American zone
    now = utc(2026, 12, 7, 17, 0)  # 09:00 in San Francisco, 07:00 in Honolulu
    several = consumer_zone(anywhere)
    assert several.zone is None and several.several
    verdict = judge(now, e164=anywhere, where=several, policy=Policy(), last_inbound_at=None)
    assert not verdict.allowed and "several time zones" in verdict.words
    stored = consumer_zone(anywhere, "America/Los_Angeles")
    assert judge(now, e164=anywhere, where=stored, policy=Policy(), last_inbound_at=None).allowed


def test_several_zones_open_when_the_hours_hold_in_every_one() -> None:
    where = ConsumerZone(None, ("America/Los_Angeles", "America/New_York"))
    now = utc(2026, 12, 7, 12, 0)  # 04:00 PST, 07:00 EST
    verdict = judge(now, e164="+15005550006", where=where, policy=Policy(), last_inbound_at=None)
    assert verdict.opens_at == utc(2026, 12, 7, 16, 0)  # 08:00 PST = 11:00 EST


def test_nothing_known_of_their_time_is_not_judged() -> None:
    nowhere = ConsumerZone(None, ())
    now = utc(2026, 12, 7, 3, 0)
    assert judge(
        now, e164="+447700900123", where=nowhere, policy=Policy(), last_inbound_at=None
    ).allowed


def test_hours_refuse_an_empty_or_inverted_window() -> None:
    with pytest.raises(ValueError):
        Window(time(21), time(8))
    with pytest.raises(ValueError):
        Hours((None,) * 6)


@pytest.mark.parametrize(
    ("at", "zones", "words"),
    [
        (datetime(2026, 12, 7, 23, 0, tzinfo=UTC), ("Asia/Tokyo",), "08:00 their time (Tue)"),
        (datetime(2026, 3, 8, 16, 0, tzinfo=UTC), ("America/New_York",), "12:00 their time (Sun)"),
        (datetime(2026, 12, 7, 8, 5, tzinfo=UTC), (), "08:05 UTC (Mon)"),
    ],
)
def test_a_scheduled_message_says_when_it_goes_in_their_time(
    at: datetime, zones: tuple[str, ...], words: str
) -> None:
    assert scheduled_text(at, zones) == f"Scheduled for {words}"


@pytest.mark.parametrize(
    ("verdict", "said"),
    [
        (Verdict(True), None),
        (
            Verdict(False, None, "It is 22:10 for them (Pacific Time): texts go 08:00-21:00."),
            "Quiet hours: It is 22:10 for them (Pacific Time): texts go 08:00-21:00. Send asks"
            " first; Schedule… picks another time.",
        ),
    ],
)
def test_before_send_says_quiet_hours_only_when_send_would_ask(
    verdict: Verdict, said: str | None
) -> None:
    assert before_send(verdict) == said
