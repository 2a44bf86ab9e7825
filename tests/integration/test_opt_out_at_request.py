"""An agent opts a phone out at its request (issue 26 item 7): a free-text "please stop texting
me" is flagged, and one click opts the phone out of the number it texted, through the access
rule, audited as the agent's; Send is then refused as after a STOP."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import AuditEvent, OptOut
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.conversation import conversation
from agent_workspace.services.conversation.opt_outs import opt_out_at_request
from agent_workspace.services.errors import AccessDenied, InvalidInput, NotFound
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

MARIA = "+14155550123"


def _text_in(body: str, n: int, to: str = SUPPORT_NUMBER) -> int:
    sms = InboundSms(sid=f"SM{n:032x}", from_=MARIA, to=to, body=body)
    return receive_sms(sms=sms).message_id


def _send(actor: Actor, interaction_id: int, body: str, sender: str = SUPPORT_NUMBER) -> None:
    send_sms(actor=actor, request=SendRequest(sender, MARIA, body, interaction_id=interaction_id))


def _opt_out_rows(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        found = select(AuditEvent).where(AuditEvent.action == "opt_out.changed")
        return list(session.exec(found.order_by(col(AuditEvent.id))).all())


@pytest.fixture
def alice(engine: Engine) -> Actor:
    make_channel()
    make_consumer("Maria", MARIA)
    return make_user("alice")


def _conversation_with_a_request(alice: Actor) -> tuple[int, int]:
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, MARIA, "Your order shipped"))
    return sent.interaction_id, _text_in("Please stop texting me", 1)


def test_the_agent_opts_the_phone_out_and_send_is_refused_naming_them(
    engine: Engine, alice: Actor
) -> None:
    interaction_id, message_id = _conversation_with_a_request(alice)

    done = opt_out_at_request(actor=alice, interaction_id=interaction_id, message_id=message_id)

    assert done.changed and done.phone == MARIA and done.sender == SUPPORT_NUMBER
    [audit] = _opt_out_rows(engine)
    assert (audit.actor, audit.actor_user_id, audit.interaction_id) == (
        "user",
        alice.user_id,
        interaction_id,
    )
    assert audit.detail["message_id"] == message_id and audit.detail["opted_out"] is True
    with pytest.raises(InvalidInput) as refused:
        _send(alice, interaction_id, "One more")
    assert "Alice opted them out at their request" in refused.value.message
    assert "until they text START" in refused.value.message
    # The channel's STOP policy (on by default): the other number of the channel is refused too.
    with pytest.raises(InvalidInput, match="the channel's policy stops every number"):
        _send(alice, interaction_id, "Billing", BILLING_NUMBER)


def test_the_conversation_shows_the_request_and_who_acted_on_it(
    engine: Engine, alice: Actor
) -> None:
    interaction_id, message_id = _conversation_with_a_request(alice)
    before = conversation(actor=alice, interaction_id=interaction_id)
    [asked] = [m for m in before.tail if m.id == message_id]
    assert asked.asks_to_stop and asked.opted_out == ""
    assert not any(m.asks_to_stop for m in before.tail if m.id != message_id)

    opt_out_at_request(actor=alice, interaction_id=interaction_id, message_id=message_id)

    after = conversation(actor=alice, interaction_id=interaction_id)
    [asked] = [m for m in after.tail if m.id == message_id]
    assert asked.opted_out == "Opted out by Alice"
    assert after.opted_out_from == (SUPPORT_NUMBER, BILLING_NUMBER)  # the channel-wide policy


def test_a_second_click_changes_nothing_and_start_opts_back_in(
    engine: Engine, alice: Actor
) -> None:
    interaction_id, message_id = _conversation_with_a_request(alice)
    opt_out_at_request(actor=alice, interaction_id=interaction_id, message_id=message_id)

    again = opt_out_at_request(actor=alice, interaction_id=interaction_id, message_id=message_id)

    assert not again.changed and "already opted out" in again.summary()
    assert len(_opt_out_rows(engine)) == 1
    _text_in("START", 2)
    with Session(engine) as session:
        row = session.exec(select(OptOut)).one()
    assert (row.opted_out, row.changed_by_id) == (False, None)
    _send(alice, interaction_id, "Welcome back")


def test_only_someone_who_works_the_interaction_may_and_a_refusal_writes_nothing(
    engine: Engine, alice: Actor
) -> None:
    interaction_id, message_id = _conversation_with_a_request(alice)
    bob = make_user("bob")
    for outsider in (None, bob):
        with pytest.raises(AccessDenied):
            opt_out_at_request(actor=outsider, interaction_id=interaction_id, message_id=message_id)
    assert _opt_out_rows(engine) == []


def test_the_message_must_be_a_text_from_the_consumer_in_that_conversation(
    engine: Engine, alice: Actor
) -> None:
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, MARIA, "Hello"))
    with pytest.raises(InvalidInput):
        opt_out_at_request(
            actor=alice, interaction_id=sent.interaction_id, message_id=sent.message_id
        )
    for message_id in (10**9, -1):
        with pytest.raises(NotFound):
            opt_out_at_request(
                actor=alice, interaction_id=sent.interaction_id, message_id=message_id
            )
    assert _opt_out_rows(engine) == []
