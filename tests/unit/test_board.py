"""The supervisor board's pages, loads and availability groups (domain/board.py)."""

from __future__ import annotations

import pytest

from agent_workspace.domain.availability import Presence
from agent_workspace.domain.board import (
    Member,
    at_capacity,
    by_presence,
    load_text,
    page_span,
    strictest_capacity,
)


@pytest.mark.parametrize(
    ("asked", "total", "shown", "offset", "pages", "text", "previous", "following"),
    [
        (1, 0, 1, 0, 1, "0 of 0", False, False),  # an empty board is one empty page
        (1, 3, 1, 0, 1, "1-3 of 3", False, False),
        (1, 25, 1, 0, 1, "1-25 of 25", False, False),
        (1, 26, 1, 0, 2, "1-25 of 26", False, True),
        (2, 26, 2, 25, 2, "26-26 of 26", True, False),
        (2, 132, 2, 25, 6, "26-50 of 132", True, True),
        (9, 60, 3, 50, 3, "51-60 of 60", True, False),  # past the end: the last page
        (0, 60, 1, 0, 3, "1-25 of 60", False, True),  # before the start: the first
        (-4, 60, 1, 0, 3, "1-25 of 60", False, True),
    ],
)
def test_a_page_stays_inside_the_table(
    asked: int,
    total: int,
    shown: int,
    offset: int,
    pages: int,
    text: str,
    previous: bool,
    following: bool,
) -> None:
    span = page_span(asked, total)
    assert (span.page, span.offset, span.pages, span.text()) == (shown, offset, pages, text)
    assert (span.has_previous, span.has_next) == (previous, following)


def test_a_page_holds_at_least_one_row() -> None:
    with pytest.raises(ValueError, match="at least one row"):
        page_span(1, 10, size=0)


@pytest.mark.parametrize(
    ("active", "capacity", "text", "full"),
    [
        (0, 5, "0 / 5", False),
        (4, 5, "4 / 5", False),
        (5, 5, "5 / 5", True),
        (7, 5, "7 / 5", True),  # a supervisor reassigned beyond it
        (3, None, "3", False),  # no channel assigns automatically: no capacity to fill
    ],
)
def test_a_load_reads_against_the_capacity(
    active: int, capacity: int | None, text: str, full: bool
) -> None:
    assert load_text(active, capacity) == text
    assert at_capacity(active, capacity) is full


@pytest.mark.parametrize(
    ("channels", "capacity"),
    [
        ([], None),
        ([(False, 5)], None),  # assignment off: capacity means nothing
        ([(True, 5)], 5),
        ([(True, 3), (False, 9), (True, 6)], 6),
    ],
)
def test_the_capacity_is_the_largest_of_channels_that_assign(
    channels: list[tuple[bool, int]], capacity: int | None
) -> None:
    assert strictest_capacity(channels) == capacity


def test_the_team_is_grouped_by_availability_least_busy_first() -> None:
    av, away, off = Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE
    team = [
        Member(1, "alice", av, 3),
        Member(2, "Bob", av, 1),
        Member(3, "carol", away, 0),
        Member(4, "Abe", av, 1),
    ]
    groups = by_presence(team)
    assert [(p, [m.agent_id for m in found]) for p, found in groups] == [
        (av, [4, 2, 1]),  # ties by name, any case
        (away, [3]),
        (off, []),  # listed even when empty
    ]
