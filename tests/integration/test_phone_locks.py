"""Every action that changes which interaction is active for a phone takes the per-phone lock.

Each test pauses one action inside its transaction, right after it has changed the
interaction, and runs the racing action meanwhile; then lets the first one commit. Without the
shared lock the racer decides on what it read before the first committed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import ACTIVE_STATES, Interaction, Message, Role
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import lifecycle, live_group, supervising, supervision
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"


def _race(
    first: Callable[[], Any], racer: Callable[[], Any], reached: threading.Event
) -> list[Any]:
    """Runs `first` until it pauses, then `racer` for a moment, then lets both finish."""
    outcomes: list[Any] = [None, None]

    def run(index: int, action: Callable[[], Any]) -> None:
        try:
            outcomes[index] = action()
        except Exception as problem:  # the outcome is asserted by the test
            outcomes[index] = problem

    a = threading.Thread(target=run, args=(0, first))
    a.start()
    assert reached.wait(timeout=10), "the first action never reached its pause"
    b = threading.Thread(target=run, args=(1, racer))
    b.start()
    b.join(timeout=1.0)  # without the lock the racer gets through (or blocks on a row) now
    return [a, b, outcomes]


def _finish(threads_and_outcomes: list[Any], release: Callable[[], None]) -> list[Any]:
    a, b, outcomes = threads_and_outcomes
    release()
    a.join(timeout=20)
    b.join(timeout=20)
    assert not a.is_alive() and not b.is_alive()
    return list(outcomes)


def test_a_reply_racing_close_lands_in_an_active_interaction(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hello Dana"))
    reply = InboundSms(sid="SM" + "1" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Thanks!")
    go = threading.Event()
    reached = threading.Event()
    real = lifecycle.close_interaction

    def pausing(**kwargs: Any) -> None:
        real(**kwargs)
        reached.set()
        go.wait(timeout=10)

    monkeypatch.setattr(lifecycle, "close_interaction", pausing)
    running = _race(
        lambda: lifecycle.close_by_agent(actor=alice, interaction_id=sent.interaction_id),
        lambda: receive_sms(sms=reply),
        reached,
    )
    closed, received = _finish(running, go.set)
    assert closed == sent.interaction_number, closed
    assert not isinstance(received, Exception), received
    with Session(engine) as session:
        message = session.exec(select(Message).where(Message.provider_sid == reply.sid)).one()
        home = session.get(Interaction, message.interaction_id)
    assert home is not None
    assert home.state in ACTIVE_STATES
    assert home.id != sent.interaction_id


def test_take_over_racing_a_send_that_closes_the_virtual_agent_leaves_no_closed_holding(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    virtual = receive_sms(
        sms=InboundSms(sid="SM" + "2" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Hello?")
    ).interaction_id
    go = threading.Event()
    reached = threading.Event()
    real = live_group.join_live_group

    def pausing(**kwargs: Any) -> bool:
        joined = real(**kwargs)
        reached.set()
        go.wait(timeout=10)
        return joined

    monkeypatch.setattr(supervising, "join_live_group", pausing)
    running = _race(
        lambda: supervision.take_over(actor=sam, interaction_id=virtual),
        lambda: send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Alice here")),
        reached,
    )
    took_over, sent = _finish(running, go.set)
    assert not isinstance(sent, Exception), sent
    with Session(engine) as session:
        held = session.exec(
            select(Interaction).where(Interaction.assigned_agent_id == sam.user_id)
        ).all()
    if isinstance(took_over, InvalidInput):
        assert held == []
    else:
        assert took_over == held[0].number
        assert [i.state in ACTIVE_STATES for i in held] == [True]
