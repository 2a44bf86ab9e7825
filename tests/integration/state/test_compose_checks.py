"""The composer's checks and the consumer's time next to To (issue 26 items 1 and 8), driven
through ComposeState's handlers as the browser calls them, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.compose_to import OTHER
from tests.integration.state.test_access_checks import run
from tests.integration.state.test_compose_numbers import composer
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

__all__ = ["composer"]  # the fixture, shared with the To tests

MARIA = "+14155550123"  # San Francisco
# 100 characters with one smart quote: 2 segments in UCS-2, 1 once the quote is plain.
SMART = "Don\u2019t worry, " + "x" * 86


def _type(state: ComposeState, text: str) -> None:
    run(ComposeState.set_body.fn(state, text))  # type: ignore[attr-defined]


def _kinds(state: ComposeState) -> list[str]:
    return [c.kind for c in state.send_checks]


def _on_marias_call(composer: Any) -> ComposeState:
    make_channel()
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=maria)
    return composer(call.id)  # type: ignore[no-any-return]


def test_a_smart_quote_is_shown_with_its_fix_and_the_fix_drops_a_segment(
    engine: Engine, composer: Any
) -> None:
    state = _on_marias_call(composer)
    assert state.send_checks == []  # nothing typed, nothing said
    _type(state, SMART)
    assert "2 segments" in state.counter
    ucs2 = next(c for c in state.send_checks if c.kind == "ucs2")
    assert "(2 segments -> 1)" in ucs2.words and ucs2.fix_label == "Use plain characters"

    ComposeState.apply_fix.fn(state, "ucs2")  # type: ignore[attr-defined]
    assert state.body == SMART.replace("\u2019", "'")
    assert "1 segment " in state.counter
    assert "ucs2" not in _kinds(state)


def test_a_shortener_is_warned_and_a_first_message_asks_for_a_name_and_stop(
    engine: Engine, composer: Any
) -> None:
    state = _on_marias_call(composer)
    _type(state, "See bit.ly/abc")
    assert _kinds(state) == ["shortener", "no_business_name", "no_opt_out_hint"]
    shortener = state.send_checks[0]
    assert "bit.ly" in shortener.words and shortener.fix_label == ""
    ComposeState.apply_fix.fn(state, "no_opt_out_hint")  # type: ignore[attr-defined]
    assert state.body == "See bit.ly/abc Reply STOP to opt out."
    # A fix that does not apply to the text now changes nothing.
    ComposeState.apply_fix.fn(state, "ucs2")  # type: ignore[attr-defined]
    assert state.body == "See bit.ly/abc Reply STOP to opt out."


def test_once_a_text_went_the_next_is_no_first_message(engine: Engine, composer: Any) -> None:
    state = _on_marias_call(composer)
    _type(state, "Hello")
    assert "no_opt_out_hint" in _kinds(state)
    state.body = "Hello"
    run(ComposeState.send.fn(state))  # type: ignore[attr-defined]
    _type(state, "Hello again")
    assert _kinds(state) == []


def test_their_time_is_next_to_to_and_follows_other(engine: Engine, composer: Any) -> None:
    state = _on_marias_call(composer)
    assert state.their_time.endswith(" for them, Pacific Time")
    run(ComposeState.set_to_choice.fn(state, OTHER))  # type: ignore[attr-defined]
    run(ComposeState.set_other_text.fn(state, "+81 90 1234 5678"))  # type: ignore[attr-defined]
    assert state.their_time.endswith(" for them, Tokyo time")
    run(ComposeState.set_other_text.fn(state, "12"))  # type: ignore[attr-defined]
    assert state.their_time == ""
    run(ComposeState.set_to_choice.fn(state, MARIA))  # type: ignore[attr-defined]
    assert state.their_time.endswith(" for them, Pacific Time")
    state.their_time = "stale"
    ComposeState.tick_their_time.fn(state, "12:00")  # type: ignore[attr-defined]
    assert state.their_time.endswith(" for them, Pacific Time")


def test_a_picture_to_a_uk_number_says_it_arrives_as_a_link(engine: Engine, composer: Any) -> None:
    make_channel()
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+447400123456", "Hi"))
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=maria)
    state = composer(call.id)
    run(ComposeState.set_to_choice.fn(state, OTHER))  # type: ignore[attr-defined]
    run(ComposeState.set_other_text.fn(state, "+44 7400 123456"))  # type: ignore[attr-defined]
    from agent_workspace.state.views import StagedItem

    state.files = [StagedItem(1, "photo.jpg", 2048, "2 KB", "", True)]
    _type(state, "Here it is")
    assert _kinds(state) == ["mms_country"]
