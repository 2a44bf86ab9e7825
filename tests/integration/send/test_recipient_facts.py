"""What the composer's checks need of a recipient, read once per To (issue 26 items 1 and 8):
whether a text would be the first between the channel and that phone, the channel's business
name, the number's country, and the zone their time is read in. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.domain.people import PersonFields
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.channels import setup
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.people import editing
from agent_workspace.services.sending.facts import recipient_facts
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

MARIA = "+14155550123"  # San Francisco
OTHER = "+447400123456"  # a UK mobile
WRITES_FIRST = "+14155550188"


def test_a_text_is_first_until_one_went_to_that_phone_on_the_channel(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=maria)

    facts = recipient_facts(actor=alice, interaction_id=call.id, to=MARIA)
    assert (facts.first_message, facts.region, facts.business_name) == (True, "US", "")
    assert facts.where is not None and facts.where.zone == "America/Los_Angeles"
    assert recipient_facts(actor=alice, interaction_id=call.id, to=OTHER).first_message

    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, MARIA, "Hello", call.id))
    assert not recipient_facts(actor=alice, interaction_id=call.id, to=MARIA).first_message
    other = recipient_facts(actor=alice, interaction_id=call.id, to=OTHER)
    assert (other.first_message, other.region) == (True, "GB")


def test_a_reply_to_a_consumer_who_wrote_first_is_not_a_first_message(engine: Engine) -> None:
    make_channel()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    received = receive_sms(
        sms=InboundSms(sid="SM" + "2" * 32, from_=WRITES_FIRST, to=SUPPORT_NUMBER, body="Hi")
    )
    facts = recipient_facts(actor=sam, interaction_id=received.interaction_id, to=WRITES_FIRST)
    assert not facts.first_message


def test_the_business_name_and_the_persons_zone_come_with_the_facts(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT_NUMBER)
    setup.update_sms_channel(actor=ada, name="SMS", region="US", business_name="Acme")
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)
    editing.update_person(
        actor=alice,
        ref=maria,
        fields=PersonFields(
            first_name="Maria", last_name="Tester", mobile=MARIA, time_zone="Asia/Tokyo"
        ),
    )
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=maria)

    theirs = recipient_facts(actor=alice, interaction_id=call.id, to=MARIA)
    assert theirs.business_name == "Acme"
    assert theirs.where is not None and (theirs.where.zone, theirs.where.stored) == (
        "Asia/Tokyo",
        True,
    )
    # Another number typed under Other is not the person's: its own zone.
    typed = recipient_facts(actor=alice, interaction_id=call.id, to="+12125550100")
    assert typed.where is not None and (typed.where.zone, typed.where.stored) == (
        "America/New_York",
        False,
    )


def test_only_agents_who_may_see_the_interaction_read_facts_and_only_of_a_number(
    engine: Engine,
) -> None:
    make_channel()
    alice = make_user("alice")
    ada = make_user("ada", roles=(Role.ADMIN,))
    call = create_interaction(
        actor=alice, type=InteractionType.PHONE, person=make_consumer("Maria", MARIA)
    )
    with pytest.raises(AccessDenied):
        recipient_facts(actor=ada, interaction_id=call.id, to=MARIA)
    with pytest.raises(InvalidInput):
        recipient_facts(actor=alice, interaction_id=call.id, to="415 555 0123")
