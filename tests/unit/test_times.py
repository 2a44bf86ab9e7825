"""Times in the agent's zone, the zone said; exports in ISO 8601 with the offset."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from agent_workspace.domain import times
from agent_workspace.domain.times import iso_local, known_zone, local_text, zone_label

WINTER = datetime(2025, 1, 15, 14, 30, 5, tzinfo=UTC)
SUMMER = datetime(2025, 7, 15, 14, 30, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("America/New_York", "America/New_York"),
        ("Asia/Tokyo", "Asia/Tokyo"),
        ("UTC", "UTC"),
        ("", "UTC"),  # the browser said nothing (yet)
        ("Mars/Olympus_Mons", "UTC"),  # no such zone
        ("../../etc/passwd", "UTC"),  # a path is no zone name
        ("A" * 5000, "UTC"),
        (" Europe/Paris ", "Europe/Paris"),
    ],
)
def test_only_a_known_zone_is_kept_else_utc(sent: str, kept: str) -> None:
    assert known_zone(sent) == kept


@pytest.mark.parametrize(
    ("at", "zone", "seconds", "shown"),
    [
        (WINTER, "America/New_York", False, "2025-01-15 09:30 EST"),
        (SUMMER, "America/New_York", False, "2025-07-15 10:30 EDT"),
        (WINTER, "Asia/Tokyo", False, "2025-01-15 23:30 JST"),
        (WINTER, "Asia/Tokyo", True, "2025-01-15 23:30:05 JST"),
        (WINTER, "Asia/Kolkata", False, "2025-01-15 20:00 IST"),
        (WINTER, "Asia/Dubai", False, "2025-01-15 18:30 UTC+04:00"),  # no letters: the offset
        (WINTER, "UTC", True, "2025-01-15 14:30:05 UTC"),
        (WINTER, "nowhere", False, "2025-01-15 14:30 UTC"),
        (datetime(2025, 1, 15, 23, 30, tzinfo=UTC), "Asia/Tokyo", False, "2025-01-16 08:30 JST"),
    ],
)
def test_a_moment_reads_in_the_agents_zone_with_the_zone_said(
    at: datetime, zone: str, seconds: bool, shown: str
) -> None:
    assert local_text(at, zone, seconds=seconds) == shown


@pytest.mark.parametrize(
    ("at", "zone", "iso"),
    [
        (WINTER, "America/New_York", "2025-01-15T09:30:05-05:00"),
        (SUMMER, "America/New_York", "2025-07-15T10:30:05-04:00"),
        (WINTER, "Asia/Tokyo", "2025-01-15T23:30:05+09:00"),
        (WINTER, "UTC", "2025-01-15T14:30:05+00:00"),
    ],
)
def test_exports_say_the_offset_in_iso_8601(at: datetime, zone: str, iso: str) -> None:
    assert iso_local(at, zone) == iso


@pytest.mark.parametrize(
    ("zone", "at", "label"),
    [
        ("America/New_York", WINTER, "America/New_York (EST, UTC-05:00)"),
        ("America/New_York", SUMMER, "America/New_York (EDT, UTC-04:00)"),
        ("Asia/Tokyo", WINTER, "Asia/Tokyo (JST, UTC+09:00)"),
        ("Asia/Dubai", WINTER, "Asia/Dubai (UTC+04:00)"),
        ("UTC", WINTER, "UTC"),
        ("bogus", WINTER, "UTC"),
    ],
)
def test_the_zone_is_named_with_its_abbreviation_and_offset(
    zone: str, at: datetime, label: str
) -> None:
    assert zone_label(zone, at) == label


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError):
        local_text(datetime(2025, 1, 15, 14, 30), "UTC")


@pytest.mark.parametrize(
    ("day", "zone", "start", "end"),
    [
        (date(2026, 12, 8), "UTC", "2026-12-08T00:00:00+00:00", "2026-12-09T00:00:00+00:00"),
        (date(2026, 12, 8), "Asia/Tokyo", "2026-12-07T15:00:00+00:00", "2026-12-08T15:00:00+00:00"),
        # New York's spring change: that day is 23 hours long
        (
            date(2026, 3, 8),
            "America/New_York",
            "2026-03-08T05:00:00+00:00",
            "2026-03-09T04:00:00+00:00",
        ),
        (date(2026, 12, 8), "Not/AZone", "2026-12-08T00:00:00+00:00", "2026-12-09T00:00:00+00:00"),
    ],
)
def test_a_day_is_the_readers_day(day: date, zone: str, start: str, end: str) -> None:
    assert (times.day_start(day, zone).isoformat(), times.day_end(day, zone).isoformat()) == (
        start,
        end,
    )


@pytest.mark.parametrize(
    ("text", "zone", "moment"),
    [
        ("2026-03-02T08:00", "Asia/Tokyo", datetime(2026, 3, 1, 23, 0, tzinfo=UTC)),
        ("2026-07-01T09:30", "America/New_York", datetime(2026, 7, 1, 13, 30, tzinfo=UTC)),
        ("2026-03-02T08:00+01:00", "Asia/Tokyo", datetime(2026, 3, 2, 7, 0, tzinfo=UTC)),
        ("2026-03-02", "UTC", datetime(2026, 3, 2, tzinfo=UTC)),  # a day alone: its midnight
        ("", "UTC", None),
        ("tomorrow at 8", "UTC", None),
        ("2026-02-30T08:00", "UTC", None),
    ],
)
def test_a_typed_date_and_time_is_read_in_the_zone_unless_it_says_its_own(
    text: str, zone: str, moment: datetime | None
) -> None:
    assert times.typed_moment(text, zone) == moment
