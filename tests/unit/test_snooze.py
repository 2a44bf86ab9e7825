"""When a snoozed conversation wakes, and the agent's choices read in their zone
(domain/snooze.py). New York springs forward on 2026-03-08 and falls back on 2026-11-01."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.snooze import Snooze, Wake, describe, parse_snooze, wakes

ZONE = "America/New_York"
SATURDAY = datetime(2026, 3, 7, 15, tzinfo=UTC)  # 10:00 EST, the day before the clocks jump
FALL_SATURDAY = datetime(2026, 10, 31, 14, tzinfo=UTC)  # 10:00 EDT, the day before they fall


def utc(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "now", "until"),
    [
        ("30m", SATURDAY, utc(3, 7, 15, 30)),
        ("2h", SATURDAY, utc(3, 7, 17)),
        ("1h30m", SATURDAY, utc(3, 7, 16, 30)),
        (" 1 Hour ", SATURDAY, utc(3, 7, 16)),
        ("1d", SATURDAY, utc(3, 8, 14)),  # 10:00 EDT on Sunday: 23 hours
        ("1w", SATURDAY, utc(3, 14, 14)),
        ("tomorrow", SATURDAY, utc(3, 8, 13)),  # 09:00 EDT
        ("Tomorrow 14:00", SATURDAY, utc(3, 8, 18)),
        ("tomorrow 2:30am", SATURDAY, utc(3, 8, 7)),  # skipped: when the clocks jump, 03:00
        ("today 17:00", SATURDAY, utc(3, 7, 22)),
        ("17:00", SATURDAY, utc(3, 7, 22)),  # the next 17:00: today
        ("09:00", SATURDAY, utc(3, 8, 13)),  # the next 09:00: tomorrow
        ("5pm", SATURDAY, utc(3, 7, 22)),
        ("mon 09:00", SATURDAY, utc(3, 9, 13)),
        ("Monday", SATURDAY, utc(3, 9, 13)),
        ("sat 09:00", SATURDAY, utc(3, 14, 13)),  # named on the day: a week ahead
        ("2026-12-08 09:00", SATURDAY, utc(12, 8, 14)),  # 09:00 EST
        ("1d", FALL_SATURDAY, utc(11, 1, 15)),  # 10:00 EST on Sunday: 25 hours
        ("24h", FALL_SATURDAY, utc(11, 1, 14)),  # 24 hours: 09:00 EST
    ],
)
def test_a_choice_wakes_at_that_time_in_the_agents_zone(
    text: str, now: datetime, until: datetime
) -> None:
    assert parse_snooze(text, now=now, zone=ZONE) == Snooze(until)


@pytest.mark.parametrize("text", ["reply", "Until reply", "until  they reply"])
def test_until_reply_has_no_time(text: str) -> None:
    assert parse_snooze(text, now=SATURDAY, zone=ZONE) == Snooze(None)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 'Choose when it comes back, e.g. "30m"'),
        ("1x", '"1x" is not a snooze time; write e.g. "30m"'),
        ("next week", '"next week" is not a snooze time'),
        ("0h", "Snooze for at least a minute."),
        ("400d", "Snooze at most a year ahead."),
        ("99999999999h", "Snooze at most a year ahead."),
        ("2028-01-01", "Snooze at most a year ahead."),
        ("today 08:00", "2026-03-07 08:00 EST has passed; choose a later time."),
        ("2026-03-01 09:00", "2026-03-01 09:00 EST has passed"),
        ("tomorrow 25:00", '"25:00" is not a time of day; use HH:MM'),
        ("13pm", '"13pm" is not a time of day'),
        ("tomorrow 9", '"9" is not a snooze time'),
        ("2026-02-30 09:00", '"2026-02-30" is not a date; write it as YYYY-MM-DD.'),
        ("today", 'Give a time with "today", e.g. "today 17:00".'),
    ],
)
def test_a_bad_choice_says_what_to_write(text: str, words: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_snooze(text, now=SATURDAY, zone=ZONE)
    assert str(raised.value).startswith(words)


SNOOZED = utc(3, 9, 14)
LATER = utc(3, 9, 18)


@pytest.mark.parametrize(
    ("snooze", "now", "last_inbound", "woken"),
    [
        (Snooze(None), LATER, None, None),
        (Snooze(None), LATER, utc(3, 9, 13), None),  # their last text came before the snooze
        (Snooze(None), LATER, utc(3, 9, 15), Wake.REPLY),
        (Snooze(LATER), utc(3, 9, 17, 59), None, None),
        (Snooze(LATER), LATER, None, Wake.TIME),
        (Snooze(LATER), utc(3, 9, 20), utc(3, 9, 13), Wake.TIME),
        (Snooze(LATER), utc(3, 9, 15), utc(3, 9, 15), Wake.REPLY),  # they wrote first
        (Snooze(LATER, on_reply=False), utc(3, 9, 15), utc(3, 9, 15), None),
    ],
)
def test_a_snoozed_conversation_wakes_at_its_time_or_on_a_reply(
    snooze: Snooze, now: datetime, last_inbound: datetime | None, woken: Wake | None
) -> None:
    assert wakes(snooze, snoozed_at=SNOOZED, now=now, last_inbound_at=last_inbound) == woken


@pytest.mark.parametrize(
    ("snooze", "text"),
    [
        (Snooze(None), "Until their reply"),
        (Snooze(LATER), "Until 2026-03-09 14:00 EDT or their reply"),
        (Snooze(LATER, on_reply=False), "Until 2026-03-09 14:00 EDT"),
    ],
)
def test_the_snooze_is_said_in_the_agents_zone(snooze: Snooze, text: str) -> None:
    assert describe(snooze, ZONE) == text


def test_a_naive_now_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        parse_snooze("1h", now=SATURDAY.replace(tzinfo=None), zone=ZONE)


def test_an_unknown_zone_reads_as_utc() -> None:
    until = parse_snooze("tomorrow", now=SATURDAY, zone="Mars/Base").until
    assert until == utc(3, 8, 9)
    assert until - SATURDAY == timedelta(hours=18)
