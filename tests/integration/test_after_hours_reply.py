"""The after-hours auto-reply (issue 27 item 9) on SQLite and PostgreSQL: a text that arrives
while the channel's business hours are closed gets the configured answer, queued in the outbox
as the workspace's own message, once per conversation however many texts arrive at once;
never inside hours, never to an opted-out phone or a keyword, never while off, and with it
off the inbound path runs not one statement more. Over HTTP through the simulator:
tests/integration/pipeline/test_after_hours_webhook.py."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import (
    AuditEvent,
    Channel,
    Direction,
    Interaction,
    Message,
    MessageStatus,
    Role,
    utcnow,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.channels.after_hours import (
    AutoReply,
    auto_reply_setting,
    update_auto_reply,
)
from agent_workspace.services.channels.business_hours import (
    BusinessHours,
    update_business_hours,
)
from agent_workspace.services.conversation.messages import AUTO_REPLY, latest
from agent_workspace.services.errors import AccessDenied, FieldProblems
from agent_workspace.services.inbound import after_hours
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.lifecycle import close_by_agent
from tests.support.business_hours import OPEN_NOW, closed_now
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user
from tests.support.races import all_at_once

DANA = "+14155550123"
REPLY = "Thanks! We are closed now and answer from 09:00."


def _setup(hours: BusinessHours, *, enabled: bool = True) -> Actor:
    make_channel()
    admin = make_user("ada", roles=(Role.ADMIN,))
    update_business_hours(actor=admin, hours=hours)
    update_auto_reply(actor=admin, setting=AutoReply(enabled, REPLY))
    return admin


def _text(n: int, body: str = "Hello, anyone there?", phone: str = DANA) -> Any:
    return receive_sms(sms=InboundSms(sid=f"SM{n:032d}", from_=phone, to=SUPPORT_NUMBER, body=body))


def _replies(engine: Engine) -> list[Message]:
    with Session(engine) as session:
        found = session.exec(
            select(Message).where(col(Message.auto_reply)).order_by(col(Message.id))
        )
        return list(found.all())


def _audits(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_a_text_outside_hours_gets_the_auto_reply_once_per_conversation(engine: Engine) -> None:
    _setup(closed_now())

    first = _text(1)
    _text(2, "Still there?")

    [reply] = _replies(engine)
    assert (reply.interaction_id, reply.direction, reply.status) == (
        first.interaction_id,
        Direction.OUTBOUND,
        MessageStatus.QUEUED,  # the dispatcher sends it, like any outbound message
    )
    assert (reply.body, reply.from_number, reply.to_number) == (REPLY, SUPPORT_NUMBER, DANA)
    assert (reply.author_id, reply.segments) == (None, 1)
    with Session(engine) as session:
        _, tail = latest(session, first.interaction_id)
    assert [(m.direction, m.author) for m in tail] == [
        ("inbound", ""),
        ("outbound", AUTO_REPLY),
        ("inbound", ""),
    ]
    [audit] = _audits(engine, "message.auto_replied")
    assert (audit.actor, audit.entity_id, audit.interaction_id) == (
        "system",
        reply.id,
        first.interaction_id,
    )
    assert audit.detail["in_reply_to"] == f"SM{1:032d}"


def test_a_new_conversation_gets_it_again(engine: Engine) -> None:
    _setup(closed_now())
    sue = make_user("sue", roles=(Role.AGENT, Role.SUPERVISOR))
    first = _text(1)
    close_by_agent(actor=sue, interaction_id=first.interaction_id)

    second = _text(2)

    assert second.interaction_id != first.interaction_id
    assert [m.interaction_id for m in _replies(engine)] == [
        first.interaction_id,
        second.interaction_id,
    ]


@pytest.mark.parametrize(
    ("hours", "enabled"),
    [(OPEN_NOW, True), (closed_now(), False)],
    ids=["inside hours", "the auto-reply is off"],
)
def test_no_auto_reply_inside_hours_or_while_off(
    engine: Engine, hours: BusinessHours, enabled: bool
) -> None:
    _setup(hours, enabled=enabled)
    _text(1)
    assert _replies(engine) == []


def test_no_auto_reply_to_an_opted_out_phone_nor_to_a_keyword(engine: Engine) -> None:
    _setup(closed_now())

    _text(1, "STOP")  # the keyword itself: the provider answers it
    _text(2, "Why do you not answer?")  # opted out now
    _text(3, "START")
    assert _replies(engine) == []

    received = _text(4, "Now you may text me")
    assert [m.interaction_id for m in _replies(engine)] == [received.interaction_id]


@pytest.fixture
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(engine, "before_cursor_execute", note)


def test_with_the_auto_reply_off_a_text_costs_no_statement_more(
    engine: Engine, statements: list[str]
) -> None:
    _setup(closed_now(), enabled=False)
    _text(1)  # opens the conversation
    statements.clear()

    _text(2)

    # The flag comes with the channel the route already reads; nothing of the reply is read.
    read = ("after_hours_text", "after_hours_replied_at", "opt_out")
    assert [s for s in statements if any(word in s for word in read)] == []
    assert _replies(engine) == []


def _together(count: int, work: Any) -> None:
    """`work(n)` for n in 1..count on threads started together; a failure fails the test."""
    all_at_once([functools.partial(work, n) for n in range(1, count + 1)])


def test_concurrent_texts_outside_hours_get_exactly_one_auto_reply(engine: Engine) -> None:
    _setup(closed_now())

    _together(4, _text)

    assert len(_replies(engine)) == 1
    assert len(_audits(engine, "message.auto_replied")) == 1
    with Session(engine) as session:
        inbound = session.exec(select(Message).where(Message.direction == Direction.INBOUND))
        assert len({m.interaction_id for m in inbound.all()}) == 1


def test_two_passes_that_both_read_no_reply_yet_send_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The claim, not the phone lock, decides: both passes read "not sent" before either
    claims (PostgreSQL, read committed); SQLite runs writers one after the other."""
    _setup(closed_now())
    received = _text(0)
    with transaction() as session:  # as if the conversation had not had it yet
        session.execute(sa.delete(Message).where(col(Message.auto_reply)))
        session.execute(sa.update(Interaction).values(after_hours_replied_at=None))
    both_read = threading.Barrier(2 if engine.dialect.name == "postgresql" else 1)

    def read_then_wait(session: Session, *, sender: str, phone: str) -> str:
        both_read.wait(timeout=10)  # called after the read, before the claim
        return ""

    monkeypatch.setattr(after_hours, "refusal_of", read_then_wait)
    sent: list[int | None] = []

    def one_pass(n: int) -> None:
        with transaction() as session:
            sms = InboundSms(sid=f"SM{n:032d}", from_=DANA, to=SUPPORT_NUMBER, body="Hi")
            sent.append(
                after_hours.auto_reply(
                    session,
                    channel_id=received_channel(session),
                    sms=sms,
                    interaction_id=received.interaction_id,
                    at=utcnow(),
                    keyword=False,
                )
            )

    _together(2, one_pass)

    assert sorted(sent, key=lambda m: m is not None) == [None, sent[0] or sent[1]]
    assert len(_replies(engine)) == 1


def received_channel(session: Session) -> int:
    channel_id = session.exec(select(Channel.id)).one()
    assert channel_id is not None
    return channel_id


def test_the_setting_is_checked_audited_and_for_administrators_only(engine: Engine) -> None:
    make_channel()
    admin = make_user("ada", roles=(Role.ADMIN,))
    agent = make_user("alice")
    assert auto_reply_setting(actor=admin) == AutoReply()

    with pytest.raises(FieldProblems) as refused:
        update_auto_reply(actor=admin, setting=AutoReply(True, REPLY))
    assert "Set the business hours first" in refused.value.problems["enabled"]
    update_business_hours(actor=admin, hours=OPEN_NOW)
    for text, words in (("  ", "Write the auto-reply"), ("x" * 481, "at most 480 characters")):
        with pytest.raises(FieldProblems) as refused:
            update_auto_reply(actor=admin, setting=AutoReply(True, text))
        assert words in refused.value.problems["text"]
    assert auto_reply_setting(actor=admin) == AutoReply()

    saved = update_auto_reply(actor=admin, setting=AutoReply(True, f"  {REPLY} "))
    assert saved == AutoReply(True, REPLY) == auto_reply_setting(actor=admin)
    update_auto_reply(actor=admin, setting=saved)  # unchanged: no second row
    [audit] = _audits(engine, "channel.auto_reply_changed")
    assert audit.detail == {
        "before": {"enabled": False, "text": ""},
        "after": {"enabled": True, "text": REPLY},
    }
    with pytest.raises(AccessDenied):
        update_auto_reply(actor=agent, setting=AutoReply(False, ""))
