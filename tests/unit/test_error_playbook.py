"""The error playbook (domain/error_playbook.py): words and the next step for each code."""

from __future__ import annotations

import pytest

from agent_workspace.domain.error_playbook import (
    PLAYBOOK,
    UNKNOWN,
    NextStep,
    failure_text,
    not_textable_because,
    play_for,
    retry_text,
)


@pytest.mark.parametrize(
    ("code", "step"),
    [
        (30003, NextStep.RETRY_LATER),
        (30004, NextStep.OPTED_OUT),
        (30005, NextStep.NOT_TEXTABLE),
        (30006, NextStep.NOT_TEXTABLE),
        (30007, NextStep.REPHRASE),
        (30008, NextStep.RETRY_LATER),
        (30011, NextStep.FIX_MESSAGE),
        (30034, NextStep.ALERT_ADMIN),
        (21211, NextStep.NOT_TEXTABLE),
        (21408, NextStep.ALERT_ADMIN),
        (21610, NextStep.OPTED_OUT),
        (21614, NextStep.NOT_TEXTABLE),
        (21612, NextStep.NOT_TEXTABLE),
        (30450, NextStep.ALERT_ADMIN),
        (21701, NextStep.ALERT_ADMIN),  # the channel's Messaging Service: the admins' setting
        (21704, NextStep.ALERT_ADMIN),
        (21705, NextStep.ALERT_ADMIN),
    ],
)
def test_each_code_the_issue_names_has_its_next_step(code: int, step: NextStep) -> None:
    play = play_for(code)
    assert play.code == code and play.step is step
    assert play.words.endswith(".") and play.advice.endswith(".")


def test_setup_errors_tell_the_agent_it_was_not_them() -> None:
    for code in (21408, 30034, 20003):
        assert play_for(code).blames_setup
        assert "nothing you did" in failure_text(code)
    assert not play_for(30007).blames_setup


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (30999, "The carrier did not deliver the message."),  # a new carrier code
        (21999, "The SMS provider refused the message."),
        (20999, "The SMS provider had a problem with our account or request."),
        (11999, "The provider could not use an attachment."),
        (99999, UNKNOWN.words),
        (None, UNKNOWN.words),
    ],
)
def test_a_code_not_in_the_table_falls_back_by_family(code: int | None, words: str) -> None:
    assert play_for(code).words == words


def test_the_table_names_each_code_once() -> None:
    codes = [play.code for play in PLAYBOOK]
    assert len(codes) == len(set(codes))


def test_the_failure_text_says_the_code_and_what_to_do() -> None:
    assert failure_text(30005) == (
        "This number is unknown to its carrier or no longer exists (error 30005). "
        "Call or email them instead, or ask them for another mobile number."
    )
    assert failure_text(None) == f"{UNKNOWN.words} {UNKNOWN.advice}"


def test_a_provider_retry_says_what_is_happening_in_words() -> None:
    assert retry_text(20503, attempt=2) == (
        "Sending again shortly (attempt 2): the SMS provider is briefly unavailable."
    )
    said = "The SMS provider cannot be reached; retry later."  # no code: the transport's words
    assert retry_text(None, attempt=3, said=said) == (
        "Sending again shortly (attempt 3): the SMS provider cannot be reached."
    )
    unsure = "The SMS provider did not confirm the message; it may have been sent."
    assert retry_text(None, attempt=2, said=unsure).endswith("; it may have been sent.")


def test_each_not_textable_code_names_what_the_number_is() -> None:
    for play in PLAYBOOK:
        said = not_textable_because(play.code)
        assert (said is not None) == (play.step is NextStep.NOT_TEXTABLE)
        assert said is None or (play.short and said == play.short)
    assert not_textable_because(None) is None
    assert not_textable_because(30003) is None  # switched off: may work tomorrow
