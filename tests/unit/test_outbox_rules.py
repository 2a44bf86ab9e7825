"""Recognising our own copy at the provider, how far back to look, and calls under a lease."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.provider import (
    CLOCK_SKEW,
    Sent,
    call_budget,
    looked_far_enough,
    provider_copy,
)

NOW = datetime(2026, 3, 4, 12, 0, 0, 500000, tzinfo=UTC)
SENT = Sent(body="hello", num_media=0, created_at=NOW)


@dataclass(frozen=True)
class Item:
    sid: str
    body: str = "hello"
    direction: str = "outbound-api"
    num_media: int = 0
    date_created: datetime | None = NOW
    date_sent: datetime | None = None


def test_a_queued_copy_is_found_although_it_has_no_date_sent() -> None:
    assert provider_copy([Item("SM1")], SENT, taken=set()) == Item("SM1")


def test_the_earliest_free_copy_is_the_first_create() -> None:
    listed = [
        Item("SM3", date_created=NOW + timedelta(seconds=9)),
        Item("SM2", date_created=NOW + timedelta(seconds=5)),
        Item("SM1", date_created=NOW + timedelta(seconds=1)),
    ]
    assert provider_copy(listed, SENT, taken=set()).sid == "SM1"  # type: ignore[union-attr]
    assert provider_copy(listed, SENT, taken={"SM1"}).sid == "SM2"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "other",
    [
        Item("SMx", body="hello!"),
        Item("SMx", direction="inbound"),
        Item("SMx", direction="outbound-reply"),
        Item("SMx", num_media=1),
        Item("SMx", date_created=NOW - CLOCK_SKEW - timedelta(seconds=1)),
    ],
    ids=["other body", "inbound", "not an API create", "has media", "older than our row"],
)
def test_only_what_the_app_itself_sent_matches(other: Item) -> None:
    assert provider_copy([other], SENT, taken=set()) is None


def test_a_copy_within_the_clock_skew_still_matches() -> None:
    early = Item("SM1", date_created=NOW - CLOCK_SKEW + timedelta(seconds=1))
    assert provider_copy([early], SENT, taken=set()) == early


def test_media_not_yet_counted_by_the_provider_still_matches() -> None:
    with_media = Sent(body="look", num_media=2, created_at=NOW)
    assert provider_copy([Item("MM1", body="look", num_media=0)], with_media, taken=set())
    assert provider_copy([Item("MM1", body="look", num_media=2)], with_media, taken=set())
    assert not provider_copy([Item("MM1", body="look", num_media=1)], with_media, taken=set())


def test_the_look_back_stops_only_at_a_message_sent_before_the_cutoff() -> None:
    cutoff = SENT.cutoff
    queued_long = Item("SM1", date_sent=None, date_created=NOW - timedelta(days=1))
    assert not looked_far_enough(queued_long, cutoff=cutoff)
    assert not looked_far_enough(Item("SM1", date_sent=NOW), cutoff=cutoff)
    # Created long before, but sent after the cutoff: later items may still be ours.
    sent_late = Item("SM1", date_created=NOW - timedelta(hours=5), date_sent=NOW)
    assert not looked_far_enough(sent_late, cutoff=cutoff)
    sent_early = Item("SM1", date_sent=cutoff - timedelta(seconds=1))
    assert looked_far_enough(sent_early, cutoff=cutoff)


def test_a_call_ends_before_its_lease_with_room_to_record_the_outcome() -> None:
    assert call_budget(timedelta(seconds=60)) == pytest.approx(55.0)  # at most 5 s kept free
    assert call_budget(timedelta(seconds=2)) == pytest.approx(1.6)  # a fifth kept free
    assert call_budget(timedelta(seconds=2), spent=timedelta(seconds=0.5)) == pytest.approx(1.1)
    assert call_budget(timedelta(seconds=2), spent=timedelta(seconds=3)) == 0.0
