"""The administrator's text of hours, holidays and zone (domain/business_hours_text.py)."""

from __future__ import annotations

from datetime import date

import pytest

from agent_workspace.domain.business_hours import Span
from agent_workspace.domain.business_hours_text import (
    HoursTextError,
    calendar_from_text,
    hours_text,
    parse_holidays,
    parse_hours,
    parse_zone,
)


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("Mon-Fri 09:00-17:00; Sat 10:00-14:00", "Mon-Fri 09:00-17:00; Sat 10:00-14:00"),
        ("mon-fri 9:00-12:00,13:00-17:00", "Mon-Fri 09:00-12:00, 13:00-17:00"),
        ("Mon-Fri 13:00-17:00; Mon-Fri 09:00-12:00", "Mon-Fri 09:00-12:00, 13:00-17:00"),
        ("Monday, Wednesday 09:00-17:00", "Mon 09:00-17:00; Wed 09:00-17:00"),
        ("Fri-Mon 10:00-14:00", "Mon 10:00-14:00; Fri-Sun 10:00-14:00"),  # wraps the week
        ("Mon-Sun 00:00-24:00", "Mon-Sun 00:00-24:00"),
        ("Mon 22:00-24:00; Tue 00:00-06:00", "Mon 22:00-24:00; Tue 00:00-06:00"),
        ("Mon-Fri 09:00 - 17:00; Sat closed;", "Mon-Fri 09:00-17:00"),
    ],
)
def test_hours_read_back_in_their_canonical_text(text: str, canonical: str) -> None:
    week = parse_hours(text)
    assert hours_text(week) == canonical
    assert parse_hours(canonical) == week


def test_split_hours_are_two_spans_on_each_day() -> None:
    week = parse_hours("Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00")
    assert week[0] == (Span(540, 720), Span(780, 1020))
    assert week[5] == (Span(600, 840),)
    assert week[6] == ()


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("", ['Give the opening hours, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-14:00".']),
        (" ; ", ['Give the opening hours, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-14:00".']),
        (
            "Sun closed",
            ['The hours open on no day; give at least one, e.g. "Mon-Fri 09:00-17:00; '
             'Sat 10:00-14:00".'],
        ),
        ("Mon-Fri", ['"Mon-Fri": give the hours after the days, e.g. "Mon-Fri 09:00-17:00".']),
        ("09:00-17:00", ['"09:00-17:00": name the days first, e.g. "Mon-Fri 09:00-17:00".']),
        (
            "Mon-Fri 9-5",
            ['"Mon-Fri 9-5": "9-5" is not a span of hours; write it as e.g. 09:00-17:00.'],
        ),
        (
            "Mon-Fri 09:60-17:00",
            ['"Mon-Fri 09:60-17:00": "09:60" is not a time of day; use HH:MM from 00:00 to 24:00.'],
        ),
        (
            "Mon-Fri 09:00-24:30",
            ['"Mon-Fri 09:00-24:30": "24:30" is not a time of day; use HH:MM from 00:00 to 24:00.'],
        ),
        (
            "Mon-Fri 22:00-06:00",
            ['"Mon-Fri 22:00-06:00": "22:00-06:00" ends before it starts; hours past midnight are '
             'two parts, e.g. "Mon 22:00-24:00; Tue 00:00-06:00".'],
        ),
        (
            "Mon-Xyz 09:00-17:00",
            ['"Mon-Xyz 09:00-17:00": "Xyz" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun.'],
        ),
        (
            "Mon--Fri 09:00-17:00",
            ['"Mon--Fri 09:00-17:00": "Mon--Fri" is not a day or a range of days, e.g. "Mon-Fri".'],
        ),
        (
            "Mon-Fri 09:00-13:00; Mon 12:00-17:00",
            ["Mon has overlapping hours: 09:00-13:00 and 12:00-17:00; give each hour once."],
        ),
        (
            "Mon-Fri 09:00-17:00; Sat 25:00-26:00; Mnn 10:00-12:00",
            [
                'Part 2 ("Sat 25:00-26:00"): "25:00" is not a time of day; '
                "use HH:MM from 00:00 to 24:00.",
                'Part 3 ("Mnn 10:00-12:00"): "Mnn" is not a day; '
                "use Mon, Tue, Wed, Thu, Fri, Sat or Sun.",
            ],
        ),
    ],
)  # fmt: skip
def test_bad_hours_say_where_and_how_to_write_them(text: str, problems: list[str]) -> None:
    with pytest.raises(HoursTextError) as raised:
        parse_hours(text)
    assert list(raised.value.problems) == problems


@pytest.mark.parametrize(
    ("text", "holidays"),
    [
        ("", {}),
        ("2026-12-25", {date(2026, 12, 25): ""}),
        (
            "2026-12-25 Christmas Day\n2027-01-01 New Year's Day",
            {date(2026, 12, 25): "Christmas Day", date(2027, 1, 1): "New Year's Day"},
        ),
        ("2026-12-25, 2026-12-26; 2027-01-01", dict.fromkeys(
            [date(2026, 12, 25), date(2026, 12, 26), date(2027, 1, 1)], "")),
    ],
)  # fmt: skip
def test_holidays_are_iso_dates_with_optional_names(text: str, holidays: dict[date, str]) -> None:
    assert parse_holidays(text) == holidays


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("2026-02-30", ['"2026-02-30" is not a date; write dates as YYYY-MM-DD, e.g. 2026-12-25.']),
        ("25/12/2026", ['"25/12/2026" is not a date; write dates as YYYY-MM-DD, e.g. 2026-12-25.']),
        ("20261225", ['"20261225" is not a date; write dates as YYYY-MM-DD, e.g. 2026-12-25.']),
        ("2026-12-25\n2026-12-25 again", ["2026-12-25 is given twice; give each holiday once."]),
    ],
)
def test_bad_holidays_say_which_and_how_to_write_them(text: str, problems: list[str]) -> None:
    with pytest.raises(HoursTextError) as raised:
        parse_holidays(text)
    assert list(raised.value.problems) == problems


@pytest.mark.parametrize(
    ("text", "zone", "problem"),
    [
        (" Europe/Paris ", "Europe/Paris", ""),
        ("America/NewYork", "", '"America/NewYork" is not a time zone; use an IANA name'),
        ("", "", "Give a time zone; use an IANA name"),
    ],
)
def test_the_zone_is_an_iana_name(text: str, zone: str, problem: str) -> None:
    if zone:
        assert parse_zone(text) == zone
    else:
        with pytest.raises(HoursTextError, match=problem):
            parse_zone(text)


def test_the_form_reports_every_field_at_once() -> None:
    with pytest.raises(HoursTextError) as raised:
        calendar_from_text(zone="Nowhere", hours="Mon-Fri", holidays="soon")
    assert len(raised.value.problems) == 3


def test_the_form_makes_a_calendar() -> None:
    calendar = calendar_from_text(
        zone="America/New_York", hours="Mon-Fri 09:00-17:00", holidays="2026-12-25 Christmas"
    )
    assert calendar.zone == "America/New_York"
    assert calendar.holidays == frozenset({date(2026, 12, 25)})
    assert hours_text(calendar.week) == "Mon-Fri 09:00-17:00"
