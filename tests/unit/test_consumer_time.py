"""The consumer's local time from their number (domain/consumer_time.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from agent_workspace.domain.consumer_time import (
    ConsumerZone,
    consumer_zone,
    number_zones,
    their_time,
    zone_name,
)

NOW = datetime(2026, 12, 7, 22, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("e164", "text"),
    [
        ("+14155550123", "14:05 for them, Pacific Time"),
        ("+12125550123", "17:05 for them, Eastern Time"),
        ("+13125550123", "16:05 for them, Central Time"),
        ("+19705550100", "15:05 for them, Mountain Time"),
        ("+81312345678", "07:05 for them, Tokyo time"),
    ],
)
def test_a_number_in_one_zone_says_their_time(e164: str, text: str) -> None:
    assert their_time(NOW, consumer_zone(e164)) == text


def test_a_number_in_several_zones_says_so_and_the_stored_zone_wins() -> None:
    anywhere = consumer_zone("+61412345678")  # an Australian mobile
    assert anywhere.zone is None and anywhere.several
    assert their_time(NOW, anywhere).endswith("for them: several time zones")
    stored = consumer_zone("+61412345678", "Australia/Sydney")
    assert stored.zone == "Australia/Sydney" and stored.stored
    assert their_time(NOW, stored) == "09:05 for them, Sydney time"


def test_a_span_across_midnight_says_the_next_day() -> None:
    where = ConsumerZone(None, ("Pacific/Honolulu", "Pacific/Guam"))
    assert their_time(NOW, where) == "12:05 to 08:05 the next day for them: several time zones"


@pytest.mark.parametrize("stored", ["", "Mars/Olympus", "not a zone"])
def test_a_stored_zone_that_is_not_a_zone_is_ignored(stored: str) -> None:
    assert consumer_zone("+14155550123", stored).zone == "America/Los_Angeles"


def test_an_unknown_number_says_nothing() -> None:
    assert number_zones("garbage") == ()
    assert their_time(NOW, consumer_zone("garbage")) == ""


def test_zone_names_read_as_people_say_them() -> None:
    assert zone_name("America/Phoenix") == "Mountain Time (Arizona)"
    assert zone_name("America/Argentina/Buenos_Aires") == "Buenos Aires time"


def test_a_naive_moment_is_refused() -> None:
    with pytest.raises(ValueError):
        their_time(datetime(2026, 12, 7, 12, 0), consumer_zone("+14155550123"))
