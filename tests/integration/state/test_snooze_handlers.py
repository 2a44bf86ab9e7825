"""The Snooze dialog's handlers, driven as a browser would (issue 27 item 4), on SQLite and
PostgreSQL: they call the service only, read the agent's words in the tab's zone, and show
the parser's words for bad input."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Interaction
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.inbox import ListQuery, inbox
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.session import SessionState
from agent_workspace.state.snooze import SnoozeState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"


def _tab(username: str, interaction_id: int, monkeypatch: pytest.MonkeyPatch) -> SnoozeState:
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: interaction_id)
    state = state_for(SnoozeState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    return state


def _alices() -> int:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    make_user("bob")
    return send_sms(
        actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Shipped")
    ).interaction_id


def _snoozed(engine: Engine, interaction_id: int) -> tuple[bool, bool]:
    with Session(engine) as session:
        row = session.get(Interaction, interaction_id)
        assert row is not None
        return row.snoozed_at is not None, row.snoozed_until is not None


def test_bad_words_are_refused_in_the_dialog_then_a_quick_choice_snoozes_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction_id = _alices()
    tab = _tab("alice", interaction_id, monkeypatch)
    tab.time_zone = "America/New_York"

    SnoozeState.open_snooze.fn(tab)  # type: ignore[attr-defined]
    SnoozeState.set_snooze_text.fn(tab, "next blue moon")  # type: ignore[attr-defined]
    assert run(SnoozeState.snooze_typed.fn(tab)) is None  # type: ignore[attr-defined]
    assert tab.snooze_open and tab.snooze_error.startswith('"next blue moon" is not a snooze time')
    assert _snoozed(engine, interaction_id) == (False, False)
    run(SnoozeState.snooze_quick.fn(tab, "forever"))  # type: ignore[attr-defined]
    assert tab.snooze_error == "Choose a snooze from the list."

    toast = run(SnoozeState.snooze_quick.fn(tab, "reply"))  # type: ignore[attr-defined]

    assert "IMS0001001 is snoozed. Until their reply." in str(toast)
    assert not tab.snooze_open and tab.snooze_error == ""
    assert _snoozed(engine, interaction_id) == (True, False)
    alice = auth.sign_in(username="alice", password="alice-pass-phrase")[1]
    assert inbox(actor=alice, query=ListQuery()).rows == ()

    toast = run(SnoozeState.wake_now.fn(tab))
    assert "IMS0001001 is back in My Interactions." in str(toast)
    assert [r.id for r in inbox(actor=alice, query=ListQuery()).rows] == [interaction_id]


def test_typed_words_are_read_in_the_tabs_zone_and_an_outsider_is_told_why(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction_id = _alices()
    tab = _tab("alice", interaction_id, monkeypatch)
    tab.time_zone = "Asia/Tokyo"
    SnoozeState.open_snooze.fn(tab)  # type: ignore[attr-defined]
    SnoozeState.set_snooze_text.fn(tab, "tomorrow 09:00")  # type: ignore[attr-defined]

    toast = run(SnoozeState.snooze_typed.fn(tab))  # type: ignore[attr-defined]

    assert "09:00 JST or their reply." in str(toast)
    assert _snoozed(engine, interaction_id) == (True, True)

    outsider = _tab("bob", interaction_id, monkeypatch)
    SnoozeState.open_snooze.fn(outsider)  # type: ignore[attr-defined]
    run(SnoozeState.snooze_quick.fn(outsider, "1h"))  # type: ignore[attr-defined]
    assert "Only the assigned agent, the live group or a supervisor" in outsider.snooze_error
    toast = run(SnoozeState.wake_now.fn(outsider))  # type: ignore[attr-defined]
    assert "Only the assigned agent, the live group or a supervisor" in str(toast)
    assert _snoozed(engine, interaction_id) == (True, True)
