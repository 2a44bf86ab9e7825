"""The board is patched by the rows that changed, never re-read whole, and stays newest first."""

from __future__ import annotations

from agent_workspace.state.views import BoardItem, InteractionItem, patch_board


def _item(interaction_id: int, last: str = "") -> BoardItem:
    number = f"IMS{interaction_id:07}"
    row = InteractionItem(interaction_id, number, "messaging", "", "", "", "", "")
    return BoardItem(row, "", last, 0, False, "work_in_progress", "")


def _ids(items: list[BoardItem]) -> list[int]:
    return [i.row.id for i in items]


def test_a_changed_row_moves_to_the_top_with_its_new_values() -> None:
    board = [_item(3), _item(2), _item(1)]
    patched = patch_board(board, [_item(1, "← new text")], frozenset(), 500)
    assert _ids(patched) == [1, 3, 2]
    assert patched[0].last_message == "← new text"


def test_a_closed_row_leaves_and_an_unknown_one_changes_nothing() -> None:
    board = [_item(3), _item(2), _item(1)]
    assert _ids(patch_board(board, [], frozenset({2, 99}), 500)) == [3, 1]


def test_a_new_row_is_added_on_top_and_the_board_keeps_its_limit() -> None:
    board = [_item(3), _item(2), _item(1)]
    assert _ids(patch_board(board, [_item(4)], frozenset(), 3)) == [4, 3, 2]


def test_several_changed_rows_keep_the_order_they_were_read_in() -> None:
    board = [_item(3), _item(2), _item(1)]
    assert _ids(patch_board(board, [_item(1), _item(2)], frozenset(), 500)) == [1, 2, 3]
