"""The bounds on what a browser sends: ids a row can have, searches, typed text."""

from __future__ import annotations

from typing import Any

import pytest

from agent_workspace.domain.inputs import (
    MAX_ROW_ID,
    SEARCH_CHARS,
    SEARCH_WORDS,
    TYPED_CHARS,
    is_row_id,
    search_problem,
    text_problem,
)


@pytest.mark.parametrize(
    ("value", "is_id"),
    [
        (1, True),
        (MAX_ROW_ID, True),
        (MAX_ROW_ID + 1, False),  # past PostgreSQL's INTEGER
        (2**63, False),  # past BIGINT: SQLite cannot even bind it
        (0, False),
        (-1, False),
        (True, False),  # JSON true is not an id, though Python counts it as 1
        (1.0, False),
        ("1", False),
        (None, False),
        ([1], False),
        ({"id": 1}, False),
    ],
    ids=repr,
)
def test_an_id_is_a_positive_int_the_columns_can_hold(value: Any, is_id: bool) -> None:
    assert is_row_id(value) is is_id


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", ""),
        ("x" * TYPED_CHARS, ""),
        ("x" * (TYPED_CHARS + 1), f"The title holds at most {TYPED_CHARS:,} characters (5,001"),
        ("a\x00b", "The title cannot contain a NUL character."),
        (None, "The title must be text."),
        (12, "The title must be text."),
        (["a"], "The title must be text."),
        ({"a": "b"}, "The title must be text."),
    ],
    ids=repr,
)
def test_typed_text_is_a_string_without_nul_within_its_limit(value: Any, problem: str) -> None:
    found = text_problem(value, what="The title")
    assert found.startswith(problem) and bool(found) == bool(problem)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", ""),
        ("refund policy", ""),
        ("x" * SEARCH_CHARS, ""),
        (" ".join(["w"] * SEARCH_WORDS), ""),
        ("x" * (SEARCH_CHARS + 1), f"A search holds at most {SEARCH_CHARS} characters"),
        ("a " * 40_000, f"A search holds at most {SEARCH_CHARS} characters"),
        (" ".join(["w"] * (SEARCH_WORDS + 1)), f"Search for at most {SEARCH_WORDS} words."),
        ("Dana\x00", "A search cannot contain a NUL character."),
        (["Dana"], "A search must be text."),
    ],
    ids=repr,
)
def test_a_search_is_short_text_of_a_few_words(value: Any, problem: str) -> None:
    found = search_problem(value)
    assert found.startswith(problem) and bool(found) == bool(problem)
