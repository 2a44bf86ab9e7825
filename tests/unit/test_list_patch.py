"""An agent's list is patched by the rows a push carries, keeping latest-activity order."""

from __future__ import annotations

from agent_workspace.state.live import RowItem, patch_rows


def _row(ident: int, minute: int, *, active: bool = True, unread: int = 0) -> RowItem:
    at = f"2026-12-02T10:{minute:02}:00+00:00"
    return RowItem(
        ident, f"IMS{ident:07}", "messaging", "new", "", "", "", "", at, False, unread, False,
        active, updated=at,
    )  # fmt: skip


def _ids(rows: list[RowItem]) -> list[int]:
    return [r.id for r in rows]


def _open(row: RowItem) -> bool:
    return row.active


SHOWN = [_row(3, 30), _row(2, 20), _row(1, 10)]


def test_a_row_with_new_activity_moves_to_the_top_with_its_unread_count() -> None:
    patched = patch_rows(SHOWN, [_row(1, 40, unread=2)], frozenset(), belongs=_open, has_more=False)
    assert _ids(patched) == [1, 3, 2] and patched[0].unread == 2


def test_a_row_seen_without_new_activity_keeps_its_place() -> None:
    patched = patch_rows(SHOWN, [_row(2, 20)], frozenset(), belongs=_open, has_more=False)
    assert _ids(patched) == [3, 2, 1]


def test_a_row_that_no_longer_belongs_or_is_gone_leaves() -> None:
    closed = _row(2, 50, active=False)
    assert _ids(patch_rows(SHOWN, [closed], frozenset(), belongs=_open, has_more=False)) == [3, 1]
    assert _ids(patch_rows(SHOWN, [], frozenset({3}), belongs=_open, has_more=False)) == [2, 1]


def test_a_new_row_joins_in_order() -> None:
    patched = patch_rows(SHOWN, [_row(9, 25)], frozenset(), belongs=_open, has_more=False)
    assert _ids(patched) == [3, 9, 2, 1]


def test_a_row_past_the_last_shown_stays_on_its_later_page() -> None:
    older = _row(9, 5)
    assert _ids(patch_rows(SHOWN, [older], frozenset(), belongs=_open, has_more=True)) == [3, 2, 1]
    assert _ids(patch_rows(SHOWN, [older], frozenset(), belongs=_open, has_more=False)) == [
        3, 2, 1, 9,
    ]  # fmt: skip


def test_ties_on_the_time_are_broken_by_id_like_the_server() -> None:
    patched = patch_rows(SHOWN, [_row(5, 20)], frozenset(), belongs=_open, has_more=False)
    assert _ids(patched) == [3, 5, 2, 1]
