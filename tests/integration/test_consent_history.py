"""The person panel's consent history (issue 26 item 6): every opt-out and opt-in of their
numbers with its source, newest first, read from the one writer's audit rows, on SQLite and
PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
from agent_workspace.services.conversation.opt_outs import opt_out_at_request
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.details import details
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import (
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
    undelivered,
)

NORA = "+14155550161"
OTHER_PHONE = "+14155550162"
LINE = "line 0"  # make_channel's label for SUPPORT_NUMBER


def test_the_panel_lists_each_change_with_its_source_newest_first(engine: Engine) -> None:
    make_channel()
    nora = make_consumer("Nora", NORA)
    make_consumer("Otto", OTHER_PHONE)
    alice = make_user("alice")
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=nora)
    assert details(actor=alice, interaction_id=call.id).consent == ()

    receive_sms(sms=InboundSms("SM" + "1" * 32, NORA, SUPPORT_NUMBER, " stop "))
    receive_sms(sms=InboundSms("SM" + "2" * 32, NORA, SUPPORT_NUMBER, "STOP"))  # no change
    receive_sms(sms=InboundSms("SM" + "3" * 32, NORA, SUPPORT_NUMBER, "Start"))
    receive_sms(sms=InboundSms("SM" + "4" * 32, OTHER_PHONE, SUPPORT_NUMBER, "STOP"))  # not hers
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, NORA, "Hello?", call.id))
    undelivered(21610, sid="SM" + "5" * 32)  # Twilio: she opted out meanwhile

    history = details(actor=alice, interaction_id=call.id).consent
    assert [(c.opted_out, c.phone, c.sender, c.source) for c in history] == [
        (True, NORA, LINE, "Twilio refused a text: the phone had opted out (21610)"),
        (False, NORA, LINE, 'Texted "START"'),
        (True, NORA, LINE, 'Texted "STOP"'),
    ]
    assert history[0].at >= history[1].at >= history[2].at


def test_an_agents_opt_out_at_their_request_names_the_agent(engine: Engine) -> None:
    make_channel()
    make_consumer("Nora", NORA)
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, NORA, "Your order shipped"))
    sms = InboundSms("SM" + "6" * 32, NORA, SUPPORT_NUMBER, "Please stop texting me")
    asked = receive_sms(sms=sms)

    opt_out_at_request(actor=alice, interaction_id=sent.interaction_id, message_id=asked.message_id)

    [entry] = details(actor=alice, interaction_id=sent.interaction_id).consent
    assert (entry.opted_out, entry.source) == (True, "Alice opted them out at their request")
