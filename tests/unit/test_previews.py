"""List rows show the first line of the last message."""

from __future__ import annotations

import pytest

from agent_workspace.domain.previews import PREVIEW_CHARS, preview_line


@pytest.mark.parametrize(
    ("body", "attachments", "expected"),
    [
        ("Where is my order?", 0, "Where is my order?"),
        ("\n\n  Hello there  \nsecond line", 0, "Hello there"),
        ("", 1, "1 attachment"),
        ("   \n ", 3, "3 attachments"),
        ("", 0, ""),
        ("Picture below", 2, "Picture below"),
    ],
)
def test_the_first_line_or_the_attachments_are_shown(
    body: str, attachments: int, expected: str
) -> None:
    assert preview_line(body, attachments) == expected


def test_a_long_line_is_shortened_with_an_ellipsis() -> None:
    shown = preview_line("x" * 500)
    assert len(shown) == PREVIEW_CHARS and shown.endswith("…")
