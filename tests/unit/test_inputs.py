"""The bounds on what a browser sends: ids a row can have, searches, typed text."""

from __future__ import annotations

from typing import Any

import pytest

from agent_workspace.domain.inputs import (
    DRAFTS,
    MAX_ROW_ID,
    SEARCH_CHARS,
    SEARCH_WORDS,
    TYPED_CHARS,
    is_choice,
    is_row_id,
    kept_drafts,
    search_problem,
    text_problem,
    whole_number,
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
def test_a_search_by_words_is_short_text_of_a_few_words(value: Any, problem: str) -> None:
    found = search_problem(value, by_words=True)
    assert found.startswith(problem) and bool(found) == bool(problem)


def test_a_phrase_search_may_have_as_many_words_as_fit() -> None:
    assert search_problem(" ".join(["w"] * (SEARCH_WORDS + 1))) == ""


@pytest.mark.parametrize(
    ("value", "chosen"),
    [("open", True), ("", False), ("OPEN", False), (["open"], False), ({"open": 1}, False)],
    ids=repr,
)
def test_a_choice_is_one_of_the_offered_strings(value: Any, chosen: bool) -> None:
    assert is_choice(value, ["open", "closed"]) is chosen


@pytest.mark.parametrize(
    ("drafts", "interaction_id", "body", "kept"),
    [
        ({}, 1, "hi", {1: "hi"}),
        ({1: "old"}, 1, "new", {1: "new"}),
        ({1: "a", 2: "b"}, 1, "a2", {2: "b", 1: "a2"}),  # the newest goes last
        ({1: "a", 2: "b"}, 1, "", {2: "b"}),  # sent or cleared: no draft
        ({2: "b"}, MAX_ROW_ID + 1, "x", {2: "b"}),  # no row has that id
        (
            {i: "d" for i in range(1, DRAFTS + 1)},
            99,
            "new",
            {
                **{i: "d" for i in range(2, DRAFTS + 1)},
                99: "new",
            },
        ),  # the oldest goes
    ],
)
def test_a_tab_keeps_its_newest_drafts(
    drafts: dict[int, str], interaction_id: int, body: str, kept: dict[int, str]
) -> None:
    assert list(kept_drafts(drafts, interaction_id, body).items()) == list(kept.items())


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("5", 5),
        (" 24 ", 24),
        ("0", 0),
        ("", None),
        ("²", None),
        ("٣", None),
        ("1.5", None),
        ("-2", None),
        ("+3", None),
        ("1e3", None),
    ],
)
def test_a_whole_number_is_ascii_digits_only(typed: str, number: int | None) -> None:
    assert whole_number(typed) == number
