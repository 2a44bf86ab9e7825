"""The live end of a conversation changes only the list a push must carry."""

from __future__ import annotations

import dataclasses

from agent_workspace.state.conversation_feed import FOLD_AT, LiveTail, MessageItem, advance

KEEP = 5


def _m(seq: int, status: str = "received") -> MessageItem:
    return MessageItem(seq * 10, seq, False, f"m{seq}", status, status, "", "", [])


def _latest(first: int, last: int) -> list[MessageItem]:
    return [_m(s) for s in range(first, last + 1)]


def _seqs(items: list[MessageItem]) -> list[int]:
    return [m.seq for m in items]


def test_a_new_message_joins_fresh_and_leaves_the_base_as_it_was() -> None:
    base = _latest(1, 5)
    moved = advance(LiveTail(base, []), _latest(2, 6), KEEP)
    assert moved.base is base
    assert _seqs(moved.fresh) == [6]


def test_the_next_ones_keep_joining_fresh_in_order() -> None:
    base, fresh = _latest(1, 5), [_m(6)]
    moved = advance(LiveTail(base, fresh), _latest(4, 8), KEEP)
    assert moved.base is base
    assert _seqs(moved.fresh) == [6, 7, 8]


def test_nothing_changed_returns_both_lists_themselves() -> None:
    base, fresh = _latest(1, 5), [_m(6)]
    moved = advance(LiveTail(base, fresh), _latest(2, 6), KEEP)
    assert moved.base is base and moved.fresh is fresh


def test_a_status_change_in_fresh_replaces_fresh_only() -> None:
    base, fresh = _latest(1, 5), [_m(6, "sent")]
    moved = advance(LiveTail(base, fresh), [*_latest(2, 5), _m(6, "delivered")], KEEP)
    assert moved.base is base
    assert [m.status for m in moved.fresh] == ["delivered"]


def test_a_status_change_in_the_base_replaces_the_base_and_keeps_its_window() -> None:
    base, fresh = _latest(1, 5), [_m(6)]
    latest = [_m(2), _m(3, "failed"), _m(4), _m(5), _m(6)]
    moved = advance(LiveTail(base, fresh), latest, KEEP)
    assert moved.base is not base
    assert _seqs(moved.base) == [1, 2, 3, 4, 5]
    assert moved.base[2].status == "failed"
    assert moved.fresh is fresh


def test_a_message_older_than_the_latest_keeps_what_it_showed() -> None:
    base = _latest(1, 5)
    moved = advance(LiveTail(base, []), _latest(3, 7), KEEP)
    assert moved.base is base
    assert moved.base[0] == _m(1)


def test_fresh_passing_the_fold_moves_the_window_to_the_latest() -> None:
    base = _latest(1, 5)
    fresh = _latest(6, 5 + FOLD_AT)
    last = 6 + FOLD_AT
    moved = advance(LiveTail(base, fresh), _latest(last - KEEP + 1, last), KEEP)
    assert _seqs(moved.base) == list(range(last - KEEP + 1, last + 1))
    assert moved.fresh == []


def test_a_gap_between_what_is_shown_and_the_latest_starts_again_from_the_latest() -> None:
    base = _latest(1, 5)
    moved = advance(LiveTail(base, []), _latest(9, 13), KEEP)
    assert _seqs(moved.base) == [9, 10, 11, 12, 13]
    assert moved.fresh == []


def test_latest_that_just_meet_what_is_shown_are_no_gap() -> None:
    base = _latest(1, 5)
    moved = advance(LiveTail(base, []), _latest(6, 10), KEEP)
    assert moved.base is base
    assert _seqs(moved.fresh) == [6, 7, 8, 9, 10]


def test_an_empty_tail_takes_the_latest_as_its_base() -> None:
    moved = advance(LiveTail([], []), _latest(1, 3), KEEP)
    assert _seqs(moved.base) == [1, 2, 3] and moved.fresh == []


def test_nothing_shown_and_nothing_read_stays_empty() -> None:
    empty = LiveTail([], [])
    assert advance(empty, [], KEEP) is empty


def test_a_new_attachment_on_a_shown_message_is_taken() -> None:
    base = _latest(1, 3)
    picture = dataclasses.replace(_m(3), body="with a picture")
    moved = advance(LiveTail(base, []), [_m(1), _m(2), picture], KEEP)
    assert moved.base[-1].body == "with a picture"
