"""The composer's To as an agent meets it (issue 23): Other read in the person's region, then
the workspace's (item 7); stored numbers that cannot take a text shown as such (item 9).

Driven through ComposeState's handlers, the composer's services on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.compose_to import OTHER
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import (
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
    undelivered,
)

LIAM = "+61412345678"
LANDLINE = "+442079460958"
GONE = "+12015550135"
WORKS = "+14155550111"


class _NoFeed:
    def _show(self, _numbers: object) -> None:
        pass


@pytest.fixture
def composer(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Opens Compose SMS on an interaction as a signed-in agent would (no live feed)."""

    async def link_feed(self: Any, *_: Any, **__: Any) -> _NoFeed:
        return _NoFeed()

    monkeypatch.setattr(ComposeState, "_link_feed", link_feed)

    def open_on(interaction_id: int) -> ComposeState:
        token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
        state = state_for(ComposeState, token)
        monkeypatch.setattr(ComposeState, "_interaction_in_url", lambda self: interaction_id)
        run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # on_load
        run(ComposeState.start.fn(state))  # type: ignore[attr-defined]
        assert state.error == ""
        return state

    return open_on


def _type_other(state: ComposeState, text: str) -> None:
    run(ComposeState.set_to_choice.fn(state, OTHER))  # type: ignore[attr-defined]
    run(ComposeState.set_other_text.fn(state, text))  # type: ignore[attr-defined]


def test_other_on_an_australians_interaction_takes_a_number_of_the_workspaces_region(
    engine: Engine, composer: Any
) -> None:
    make_channel()
    liam = make_consumer("Liam", LIAM, country="AU")
    alice = make_user("alice")
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=liam)
    state = composer(call.id)

    _type_other(state, "(415) 555-0177")
    assert (state.other_e164, state.other_country, state.other_error) == (
        "+14155550177",
        "United States",
        "",
    )
    assert state.preview.startswith("Send will ")
    _type_other(state, "0412 345 678")
    assert (state.other_e164, state.other_country) == (LIAM, "Australia")
    _type_other(state, "+1 415 555 0177")
    assert (state.other_e164, state.other_country) == ("+14155550177", "")
    _type_other(state, "0412 345 67")  # valid in neither region: both are named
    assert state.other_e164 == ""
    assert "AU (+61)" in state.other_error and "US (+1)" in state.other_error


def test_to_shows_a_landline_and_a_number_that_failed_for_good_and_starts_on_one_that_works(
    engine: Engine, composer: Any
) -> None:
    make_channel()
    nora = make_consumer("Nora", GONE, LANDLINE, WORKS)
    alice = make_user("alice")
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=nora)
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, GONE, "Hi", call.id))
    undelivered(30005)

    state = composer(call.id)
    options = {c.value: (c.label, c.disabled) for c in state.to_options}
    assert options[LANDLINE] == ("+44 20 7946 0958 · landline, cannot receive SMS", True)
    assert options[GONE] == ("+1 201-555-0135 · last text failed: unknown number (30005)", False)
    assert options[WORKS] == ("+1 415-555-0111", False)
    assert state.to_choice == WORKS
