"""The rules a username and a password must meet, whoever creates the account."""

from __future__ import annotations

import pytest

from agent_workspace.domain.credentials import (
    MIN_PASSWORD_LENGTH,
    normalise_username,
    password_problem,
    username_problem,
)


def test_usernames_are_compared_trimmed_and_lower_case() -> None:
    assert normalise_username("  Alice ") == "alice"


@pytest.mark.parametrize("name", ["alice", "agent07", "j.doe", "ann-marie", "ops_1", "a@b.co"])
def test_plain_usernames_are_accepted(name: str) -> None:
    assert username_problem(name) is None


@pytest.mark.parametrize(
    ("name", "why"),
    [("", "1 to 64"), ("a" * 65, "1 to 64"), ("john doe", "letters"), ("-x", "start")],
)
def test_odd_usernames_are_refused_with_the_rule(name: str, why: str) -> None:
    problem = username_problem(name)
    assert problem is not None and why in problem


def test_the_demo_passwords_meet_the_rules() -> None:
    from agent_workspace.services.demo_data import DEMO_USERS

    assert all(password_problem(u.password, username=u.username) is None for u in DEMO_USERS)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("x" * (MIN_PASSWORD_LENGTH - 1), f"at least {MIN_PASSWORD_LENGTH} characters"),
        ("é" * 37, "72 bytes"),  # bcrypt reads no further than 72 bytes
        ("rosalind-franklin", "not be the username"),
        (" leading-space-pw", "start or end with a space"),
        ("trailing-space-pw ", "start or end with a space"),
        ("tab\tinside-the-pw", "control characters"),
        # Long enough, yet among the first guesses of any attacker (issue 22 item 11).
        ("aaaaaaaaaaaa", "Repeats like"),
        ("password1234", "very common password"),
        ("Password1234", "easy to guess"),
        ("qwertyuiopas", "easy to guess"),
        ("123456789012", "easy to guess"),
        ("abcabcabcabc", "Repeats like"),
        ("abcdefghijkl", "easy to guess"),
        ("iloveyou2024!", "easy to guess"),
        ("rosalind-franklin-1", "easy to guess"),  # the username and a digit
    ],
)
def test_weak_or_unusable_passwords_are_refused_with_the_rule(password: str, why: str) -> None:
    problem = password_problem(password, username="rosalind-franklin")
    assert problem is not None and why in problem


def test_a_long_passphrase_with_spaces_is_accepted() -> None:
    assert password_problem("correct horse battery staple", username="alice") is None


def test_a_guessable_password_is_refused_with_what_to_do_instead() -> None:
    problem = password_problem("password1234", username="alice")
    assert problem is not None
    assert problem.startswith("The password is too easy to guess")
    assert "Add another word or two" in problem


@pytest.mark.parametrize(
    "password", ["nina-works-here", "a-long-enough-secret", "Tr0ub4dor&3xyz", "alice-pass-phrase"]
)
def test_passwords_that_resist_guessing_are_accepted(password: str) -> None:
    assert password_problem(password, username="alice") is None
