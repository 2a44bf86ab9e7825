"""What a label's name and colour may be (domain/labels.py)."""

from __future__ import annotations

import pytest

from agent_workspace.domain.labels import (
    MAX_NAME,
    PALETTE,
    clean_name,
    colour_problem,
    name_key,
    name_problem,
)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("VIP", ""),
        ("  Billing dispute  ", ""),
        ("x", ""),
        ("a" * MAX_NAME, ""),
        ("Ünïcødé ✓", ""),
        (" " + "a" * MAX_NAME + " ", ""),  # counted after trimming
        ("", "Give the label a name."),
        ("   ", "Give the label a name."),
        ("a" * (MAX_NAME + 1), "A label's name holds at most 40 characters (41 given)."),
        ("two\nlines", "A label's name cannot contain control characters"),
        ("tab\there", "A label's name cannot contain control characters"),
        ("nul\x00", "A label's name cannot contain control characters"),
        ("bidi\u202eeviL", "A label's name cannot contain control characters"),
        (None, "A label's name must be text."),
        (7, "A label's name must be text."),
    ],
)
def test_a_name_is_trimmed_short_and_printable(text: object, problem: str) -> None:
    found = name_problem(text)
    assert found.startswith(problem) and (problem != "" or found == "")


@pytest.mark.parametrize(
    ("text", "kept"), [("  VIP ", "VIP"), ("Billing  dispute", "Billing  dispute"), (3, "")]
)
def test_the_name_kept_is_trimmed(text: object, kept: str) -> None:
    assert clean_name(text) == kept


@pytest.mark.parametrize(
    ("colour", "ok"),
    [
        ("blue", True),
        ("gray", True),
        ("pink", True),
        ("Blue", False),
        ("#ff0000", False),
        ("", False),
        (None, False),
        ("accent", False),
    ],
)
def test_a_colour_comes_from_the_palette(colour: object, ok: bool) -> None:
    assert (colour_problem(colour) == "") is ok


def test_the_palette_names_radix_colours() -> None:
    assert len(PALETTE) == len(set(PALETTE)) and "red" in PALETTE and "blue" in PALETTE


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("VIP", "vip", True), (" VIP ", "Vip", True), ("Straße", "STRASSE", True), ("A", "B", False)],
)
def test_names_differing_only_in_case_are_one_label(a: str, b: str, same: bool) -> None:
    assert (name_key(a) == name_key(b)) is same
