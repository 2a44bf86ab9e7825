"""The flag on a text asking to stop and its one-click opt-out, driven through the handlers as
a browser would (issue 26 item 7), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import AuditEvent, OptOut
from agent_workspace.services.accounts import auth
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"


def _tab(
    username: str, interaction_id: int, monkeypatch: pytest.MonkeyPatch
) -> InteractionPageState:
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    monkeypatch.setattr(InteractionPageState, "_interaction_in_url", lambda self: interaction_id)
    state = state_for(InteractionPageState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    run(InteractionPageState.open.fn(state))  # type: ignore[attr-defined]
    return state


def _asked() -> tuple[int, int]:
    """Alice texted Dana, who answered asking to stop; (interaction, that text)."""
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    make_user("bob")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Your order shipped"))
    text = InboundSms("SM" + "1" * 32, PHONE, SUPPORT_NUMBER, "Please stop texting me")
    return sent.interaction_id, receive_sms(sms=text).message_id


def _flagged(state: InteractionPageState) -> list[tuple[str, bool, str]]:
    feed = run(state.get_state(ConversationFeed))
    return [(m.body, m.asks_to_stop, m.opted_out) for m in [*feed.tail, *feed.fresh]]


@pytest.mark.usefixtures("unlinked_feeds")
def test_the_text_is_flagged_and_opt_out_asks_first_then_opts_out(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction_id, text_id = _asked()
    state = _tab("alice", interaction_id, monkeypatch)
    assert _flagged(state) == [
        ("Your order shipped", False, ""),
        ("Please stop texting me", True, ""),
    ]

    InteractionPageState.ask_opt_out.fn(state, text_id)  # type: ignore[attr-defined]
    assert state.asking_opt_out
    InteractionPageState.cancel_opt_out.fn(state)  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert session.exec(select(OptOut)).all() == []

    InteractionPageState.ask_opt_out.fn(state, text_id)  # type: ignore[attr-defined]
    toast = run(InteractionPageState.opt_out_confirmed.fn(state))  # type: ignore[attr-defined]

    assert "is opted out of messages from" in str(toast) and not state.asking_opt_out
    with Session(engine) as session:
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "opt_out.changed")).one()
    assert audit.detail["message_id"] == text_id and audit.actor == "user"
    run(InteractionPageState.open.fn(state))  # as the push does
    assert _flagged(state)[-1] == ("Please stop texting me", True, "Opted out by Alice")


@pytest.mark.usefixtures("unlinked_feeds")
def test_an_agent_with_no_standing_is_told_why_and_nothing_changes(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction_id, text_id = _asked()
    state = _tab("bob", interaction_id, monkeypatch)
    InteractionPageState.ask_opt_out.fn(state, text_id)  # type: ignore[attr-defined]
    toast = run(InteractionPageState.opt_out_confirmed.fn(state))  # type: ignore[attr-defined]
    assert "Only the assigned agent, the live group or a supervisor" in str(toast)
    with Session(engine) as session:
        assert session.exec(select(OptOut)).all() == []


def test_a_signed_out_tab_cannot_even_ask(engine: Engine) -> None:
    state = state_for(InteractionPageState, "")
    InteractionPageState.ask_opt_out.fn(state, 1)  # type: ignore[attr-defined]
    assert not state.asking_opt_out
    run(InteractionPageState.opt_out_confirmed.fn(state))  # type: ignore[attr-defined]
    with Session(engine) as session:
        assert session.exec(select(OptOut)).all() == []
