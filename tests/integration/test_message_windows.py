"""Conversation windows: the pushed tail stays small, history fills in the rest, positions agree."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.models import Message, utcnow
from agent_workspace.services.conversation import messages
from agent_workspace.services.conversation.conversation import (
    load_conversation,
    load_latest_messages,
)
from agent_workspace.services.errors import AccessDenied
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user


def _conversation_of(count: int) -> int:
    make_channel()
    received = [
        receive_sms(
            sms=InboundSms(sid=f"SM{n:032x}", from_="+14155550123", to=SUPPORT_NUMBER, body=f"m{n}")
        )
        for n in range(1, count + 1)
    ]
    return received[0].interaction_id


def test_the_tail_carries_only_the_latest_messages_with_their_positions(engine: Engine) -> None:
    interaction_id = _conversation_of(messages.TAIL + 5)
    view = load_conversation(interaction_id)
    assert view.total == messages.TAIL + 5
    assert [m.seq for m in view.tail] == list(range(6, messages.TAIL + 6))
    assert [m.body for m in view.tail][-1] == f"m{messages.TAIL + 5}"


def test_the_pushed_latest_agree_with_the_whole_view_and_history(engine: Engine) -> None:
    interaction_id = _conversation_of(messages.TAIL + 3)
    pushed = load_latest_messages(interaction_id)
    assert (pushed.total, pushed.tail) == (
        load_conversation(interaction_id).total,
        load_conversation(interaction_id).tail,
    )
    agent = make_user("alice")
    before = messages.history(actor=agent, interaction_id=interaction_id, before_seq=pushed.total)
    assert before[-1].seq == pushed.total - 1 and pushed.tail[-2] == before[-1]


def test_a_short_conversation_is_pushed_whole_from_position_one(engine: Engine) -> None:
    pushed = load_latest_messages(_conversation_of(3))
    assert (pushed.total, [(m.seq, m.body) for m in pushed.tail]) == (
        3,
        [(1, "m1"), (2, "m2"), (3, "m3")],
    )


def test_history_returns_what_comes_before_a_position(engine: Engine) -> None:
    interaction_id = _conversation_of(30)
    agent = make_user("alice")
    older = messages.history(actor=agent, interaction_id=interaction_id, before_seq=11)
    assert [(m.seq, m.body) for m in older] == [(n, f"m{n}") for n in range(1, 11)]
    everything = messages.history(actor=agent, interaction_id=interaction_id, before_seq=31)
    assert [m.seq for m in everything] == list(range(1, 31))
    assert messages.history(actor=agent, interaction_id=interaction_id, before_seq=1) == ()


def test_history_is_capped_to_the_latest_max_history_before_the_position(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(messages, "MAX_HISTORY", 4)
    interaction_id = _conversation_of(10)
    agent = make_user("alice")
    older = messages.history(actor=agent, interaction_id=interaction_id, before_seq=9)
    assert [m.seq for m in older] == [5, 6, 7, 8]


def test_history_needs_the_agent_role(engine: Engine) -> None:
    interaction_id = _conversation_of(1)
    with pytest.raises(AccessDenied):
        messages.history(actor=None, interaction_id=interaction_id, before_seq=2)


def test_messages_stored_in_the_same_instant_keep_one_order_in_every_window(
    engine: Engine,
) -> None:
    """Positions follow (created_at, id): the pushed tail, counted up to its newest row, and
    history agree even when every message has the same timestamp."""
    interaction_id = _conversation_of(messages.TAIL + 4)
    with engine.begin() as conn:
        conn.execute(sa.update(Message).values(created_at=utcnow()))
    pushed = load_latest_messages(interaction_id)
    older = messages.history(
        actor=make_user("alice"), interaction_id=interaction_id, before_seq=pushed.tail[0].seq
    )
    shown = [(m.seq, m.body) for m in (*older, *pushed.tail)]
    assert shown == [(n, f"m{n}") for n in range(1, messages.TAIL + 5)]
