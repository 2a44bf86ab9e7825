"""Canned-reply templates: known placeholders only, literal braces by doubling, filled on use."""

from __future__ import annotations

import pytest

from agent_workspace.domain.templates import (
    MAX_BODY,
    body_problem,
    check_template,
    fill,
    placeholders_in,
    shortcut_question,
    shortcut_search,
)


def test_known_placeholders_are_accepted_and_listed_in_order() -> None:
    body = "Hi {first_name} {last_name}, {agent_name} here. Bye {first_name}"
    assert body_problem(body) == ""
    assert placeholders_in(body) == ("first_name", "last_name", "agent_name")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Hi {frist_name}", "{frist_name} is not a placeholder. Use {first_name}"),
        ("{a} and {b}", "{a}, {b} are not placeholders"),
        ("Hi {}", "{} is not a placeholder"),
        ("Price {", "A lone '{' is not allowed"),
        ("oops }", "A lone '}' is not allowed"),
        ("   ", "Write the text"),
        ("x" * (MAX_BODY + 1), "at most 1600 characters"),
    ],
)
def test_unknown_placeholders_and_stray_braces_are_refused(body: str, reason: str) -> None:
    assert reason in body_problem(body)


def test_doubled_braces_are_literal_braces() -> None:
    assert body_problem("Use {{code}} for {first_name}") == ""
    assert fill("Use {{code}} for {first_name}", {"first_name": "Ana"}) == "Use {code} for Ana"


def test_filling_uses_the_values_and_leaves_missing_ones_empty() -> None:
    text = fill("Hi {first_name} {last_name}, {agent_name}", {"first_name": "Ana"})
    assert text == "Hi Ana , "


def test_each_field_gets_its_own_problem() -> None:
    problems = check_template("", "{x}")
    assert problems.title.startswith("Give the reply a title")
    assert "{x} is not a placeholder" in problems.body
    assert not check_template("Greeting", "Hello {first_name}")
    assert "at most 80" in check_template("t" * 81, "ok").title


@pytest.mark.parametrize(
    ("body", "search"),
    [("/ref", "ref"), ("/", ""), ("/ref now", None), ("ref", None), (" /ref", None), ("", None)],
)
def test_a_shortcut_is_one_word_after_a_slash(body: str, search: str | None) -> None:
    assert shortcut_search(body) == search


@pytest.mark.parametrize(
    ("body", "asks"),
    [("/ref", True), ("  /clos \n", True), ("/", True), ("/ref please", False), ("ok", False)],
)
def test_a_message_that_is_only_a_shortcut_asks_before_it_goes(body: str, asks: bool) -> None:
    question = shortcut_question(body)
    assert bool(question) is asks
    if asks:
        assert f'only "{body.strip()}"' in question
