"""The earlier conversation a hand-over shows keeps the name of the person each message was
exchanged with, not the name of the person the new interaction is about (issue 23, item 2)."""

from __future__ import annotations

import reflex as rx
from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
from agent_workspace.services.conversation.conversation import conversation, load_conversation
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.conversation_feed import ConversationFeed
from tests.support.factories import (
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_contact,
    make_user,
)

SHARED = "+14155550123"  # Maria's and Carlos's family phone


def test_workflow_4_shows_marias_messages_under_marias_name_on_carlos_interaction(
    engine: Engine,
) -> None:
    make_channel()
    maria = make_consumer("Maria", SHARED)
    carlos = make_contact("Carlos", SHARED, account="Initech")
    alice = make_user("alice")
    maria_call = create_interaction(actor=alice, type=InteractionType.PHONE, person=maria)
    to_maria = send_sms(
        actor=alice, request=SendRequest(SUPPORT_NUMBER, SHARED, "Hi Maria", maria_call.id)
    )
    receive_sms(sms=InboundSms("SM" + "1" * 32, SHARED, SUPPORT_NUMBER, "Maria: refund please"))
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=carlos)
    request = SendRequest(SUPPORT_NUMBER, SHARED, "Hi Carlos", call.id, confirmed=True)
    to_carlos = send_sms(actor=alice, request=request)

    view = conversation(actor=alice, interaction_id=to_carlos.interaction_id)
    assert view.earlier_id == to_maria.interaction_id
    assert view.interaction.person_name == "Carlos Contact"
    assert view.earlier_person == "Maria Tester"

    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    feed = root.get_substate(ConversationFeed.get_full_name().split(".")[1:])
    assert isinstance(feed, ConversationFeed)
    feed._show(load_conversation(to_carlos.interaction_id))
    assert [(m.who, m.body) for m in feed.earlier] == [
        ("Alice", "Hi Maria"),
        ("Maria Tester", "Maria: refund please"),
    ]
    assert [(m.who, m.body) for m in feed.tail] == [("Alice", "Hi Carlos")]
