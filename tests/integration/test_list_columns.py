"""Each stored message keeps its interaction's list row true: the last message's first line,
whether the consumer waits for a reply (and since when), and what a hand-over followed."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Interaction
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"


def _row(engine: Engine, interaction_id: int) -> Interaction:
    with Session(engine) as session:
        found = session.get(Interaction, interaction_id)
        assert found is not None
        return found


def test_the_row_follows_each_message_and_who_waits(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    first = receive_sms(
        sms=InboundSms(sid="SM" + "1" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Hi\nanyone?")
    )
    asked = _row(engine, first.interaction_id)
    assert (asked.last_message_preview, asked.last_message_inbound) == ("Hi", True)
    assert asked.awaiting_reply_since == asked.last_message_at
    receive_sms(sms=InboundSms(sid="SM" + "2" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Hello?"))
    again = _row(engine, first.interaction_id)
    assert again.last_message_preview == "Hello?"
    assert again.awaiting_reply_since == asked.awaiting_reply_since  # since the first unanswered

    answer = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Alice here"))
    answered = _row(engine, answer.interaction_id)
    assert (answered.last_message_preview, answered.last_message_inbound) == ("Alice here", False)
    assert answered.awaiting_reply_since is None
    # Workflow 3 closed the virtual agent's interaction: the new one knows what came before.
    assert answer.interaction_id != first.interaction_id
    assert answered.previous_interaction_id == first.interaction_id
