"""The Transfer dialog's handlers, driven as a browser would (issue 27 item 3), on SQLite and
PostgreSQL: they call the service only, and show its words."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Interaction, Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions import notices
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.session import SessionState
from agent_workspace.state.transfer import QUEUE, TransferState
from agent_workspace.state.views import Choice
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"
WHY = "Wants a refund; Bob handles refunds."


def _tab(username: str, interaction_id: int, monkeypatch: pytest.MonkeyPatch) -> TransferState:
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: interaction_id)
    state = state_for(TransferState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    return state


def _alices() -> tuple[int, int]:
    """Alice's conversation with Dana; (interaction, Bob's id)."""
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    bob = make_user("bob")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Your order shipped"))
    return sent.interaction_id, bob.user_id


def test_alice_chooses_bob_writes_why_and_it_is_his(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction_id, bob_id = _alices()
    tab = _tab("alice", interaction_id, monkeypatch)

    assert run(TransferState.open_transfer.fn(tab)) is None  # type: ignore[attr-defined]
    assert tab.transfer_open and tab.transfer_number == "IMS0001001"
    assert tab.transfer_targets == [
        Choice(str(bob_id), "Bob · 0 open"),
        Choice(QUEUE, "Back to the queue"),
    ]
    run(TransferState.transfer.fn(tab))  # type: ignore[attr-defined]
    assert tab.transfer_error == "Choose an agent, or Back to the queue."
    TransferState.set_transfer_to.fn(tab, "999")  # type: ignore[attr-defined]
    assert tab.transfer_error == "Choose an agent from the list." and tab.transfer_to == ""
    TransferState.set_transfer_to.fn(tab, str(bob_id))  # type: ignore[attr-defined]
    run(TransferState.transfer.fn(tab))  # type: ignore[attr-defined]
    assert tab.transfer_error.startswith("Write a note for whoever takes it next")
    TransferState.set_transfer_note.fn(tab, WHY)  # type: ignore[attr-defined]

    toast = run(TransferState.transfer.fn(tab))  # type: ignore[attr-defined]

    assert "IMS0001001 is transferred to Bob." in str(toast)
    assert not tab.transfer_open and tab.transfer_note == tab.transfer_error == ""
    with Session(engine) as session:
        row = session.get(Interaction, interaction_id)
        assert row is not None and row.assigned_agent_id == bob_id
    bob = auth.sign_in(username="bob", password="bob-pass-phrase")[1]
    assert [n.text for n in notices.unread_notices(actor=bob)] == [
        f"Alice transferred IMS0001001 to you: {WHY}"
    ]


def test_a_supervisor_is_asked_first_and_an_outsider_is_told_why(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    interaction_id, _ = _alices()
    make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))

    outsider = _tab("bob", interaction_id, monkeypatch)
    toast = run(TransferState.open_transfer.fn(outsider))  # type: ignore[attr-defined]
    assert "Only the assigned agent, the live group or a supervisor" in str(toast)
    assert not outsider.transfer_open

    sam = _tab("sam", interaction_id, monkeypatch)
    run(TransferState.open_transfer.fn(sam))  # type: ignore[attr-defined]
    TransferState.set_transfer_to.fn(sam, QUEUE)  # type: ignore[attr-defined]
    TransferState.set_transfer_note.fn(sam, "Alice is off today")  # type: ignore[attr-defined]
    run(TransferState.transfer.fn(sam))  # type: ignore[attr-defined]
    assert sam.transfer_confirm == (
        "Transfer will take IMS0001001 from Alice and give it to the queue; Alice gets a notice."
    )
    with Session(engine) as session:
        row = session.get(Interaction, interaction_id)
        assert row is not None and not row.virtual_agent  # asked, nothing changed

    toast = run(TransferState.transfer_confirmed.fn(sam))  # type: ignore[attr-defined]
    assert "IMS0001001 is transferred to the queue." in str(toast)
    with Session(engine) as session:
        row = session.get(Interaction, interaction_id)
        assert row is not None and (row.virtual_agent, row.assigned_agent_id) == (True, None)
