"""Who a note mentions, and what the mentioned agent's notice says (domain/mentions.py)."""

from __future__ import annotations

import pytest

from agent_workspace.domain.mentions import mention_notice, mentioned_usernames, split_mentions


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("@bob please call her back", ("bob",)),
        ("Ask @Bob", ("bob",)),  # login names are lower case; any case mentions
        ("@bob, @carol. and @dave!", ("bob", "carol", "dave")),
        ("thanks @bob.", ("bob",)),  # the sentence's full stop is not part of the name
        ("@bob.smith knows", ("bob.smith",)),
        ("@ana_b and @jo-e", ("ana_b", "jo-e")),
        ("(@bob) @carol: hi", ("bob", "carol")),
        ("@bob again @BOB and @bob", ("bob",)),  # each agent once per note
        ("mail ana@example.com about it", ()),  # an email address is no mention
        ("write to bob.smith@example.com", ()),
        ("x+@bob", ()),
        ("@ alone", ()),
        ("@@bob", ()),
        ("@", ()),
        ("no mention at all", ()),
        ("line one\n@carol line two", ("carol",)),
        ("@-bob", ()),  # a login name starts with a letter or digit
    ],
)
def test_the_names_a_note_mentions(text: str, names: tuple[str, ...]) -> None:
    assert mentioned_usernames(text) == names


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("hi @bob, call", [("hi ", False), ("@bob", True), (", call", False)]),
        ("ana@example.com", [("ana@example.com", False)]),
        ("@Bob.", [("@Bob", True), (".", False)]),
        ("", []),
    ],
)
def test_a_note_splits_into_text_and_mentions(text: str, parts: list[tuple[str, bool]]) -> None:
    assert split_mentions(text) == parts


def test_the_notice_names_the_author_the_interaction_and_the_start_of_the_note() -> None:
    assert (
        mention_notice(by="Alice Agent", number="IMS0001003", text="@bob  please\ncall her")
        == "Alice Agent mentioned you in IMS0001003: @bob please call her"
    )
    long = "@bob " + "x" * 200
    said = mention_notice(by="Alice", number="IMS0001003", text=long)
    assert said == "Alice mentioned you in IMS0001003: " + ("@bob " + "x" * 200)[:79] + "…"
