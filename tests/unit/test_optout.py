"""Opt-out keywords: single words in any case; Twilio's OptOutType wins."""

import pytest

from agent_workspace.domain.optout import OptAction, asks_to_stop, opt_action


@pytest.mark.parametrize(
    "body",
    [
        "STOP",
        "stop",
        " Stop ",
        "STOPALL",
        "unsubscribe",
        "Cancel",
        "END",
        "quit",
        "REVOKE",
        "optout",
        "STOP!",
        "stop.",
        '  "Stop"  ',
        "¿QUIT?",
    ],
)
def test_opt_out_keywords_opt_out(body: str) -> None:
    assert opt_action(body) is OptAction.OPT_OUT


@pytest.mark.parametrize("body", ["START", "yes", "Unstop"])
def test_opt_in_keywords_opt_back_in(body: str) -> None:
    assert opt_action(body) is OptAction.OPT_IN


@pytest.mark.parametrize("body", ["HELP", "info"])
def test_help_keywords_are_recognised(body: str) -> None:
    assert opt_action(body) is OptAction.HELP


@pytest.mark.parametrize(
    "body", ["please stop", "stop it", "STOP STOP", "", "!!", "started", "yes please", "s.t.o.p"]
)
def test_sentences_and_other_words_are_ordinary_messages(body: str) -> None:
    assert opt_action(body) is None


def test_opt_out_type_from_the_provider_wins_over_the_body() -> None:
    assert opt_action("arrêt", "STOP") is OptAction.OPT_OUT
    assert opt_action("stop", "START") is OptAction.OPT_IN
    assert opt_action("hello", "HELP") is OptAction.HELP


def test_unknown_opt_out_type_is_ignored() -> None:
    assert opt_action("STOP", "SOMETHING") is None


@pytest.mark.parametrize(
    "body",
    [
        "please stop texting me",
        "Stop messaging me!!",
        "no more messages",
        "No more texts please",
        "don't text me again",
        "Do not contact me",
        "remove me from your list",
        "take my number off",
        "ALTO",
        "arr\u00eat",
        "ARRETE",
        "Baja.",
        "please stop",
        "I want to opt out",
    ],
)
def test_free_text_requests_to_stop_are_flagged_not_applied(body: str) -> None:
    assert opt_action(body) is None
    assert asks_to_stop(body)


@pytest.mark.parametrize(
    "body",
    [
        "STOP",  # a keyword: applied, not flagged
        "Can I stop by the store tomorrow?",
        "The bus didn't stop",
        "Yes, that works",
        "more messages to follow",
        "What time do you close?",
    ],
)
def test_ordinary_messages_and_keywords_are_not_flagged(body: str) -> None:
    assert not asks_to_stop(body)
