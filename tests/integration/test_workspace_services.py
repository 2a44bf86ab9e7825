"""The services behind the one-page workspace: pick up, Details, the person's panel, sticky From
and what the conversation shows of the interaction a hand-over closed."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import (
    AuditEvent,
    ChannelUserProfile,
    CustomerCase,
    InteractionState,
    InteractionType,
)
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.conversation.conversation import conversation
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import details as details_service
from agent_workspace.services.interactions.inbox import ListQuery, Scope, inbox
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.interactions.work import DetailsChange, pick_up, update_details
from agent_workspace.services.sending.options import compose_options
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

PHONE = "+14155550123"


def _text(body: str, sid: str, to: str = SUPPORT_NUMBER) -> int:
    return receive_sms(sms=InboundSms(sid=sid, from_=PHONE, to=to, body=body)).interaction_id


def test_an_agent_picks_up_a_conversation_from_the_virtual_agents_queue(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", PHONE)
    alice, bob = make_user("alice"), make_user("bob")
    waiting = _text("Hello?", "SM" + "1" * 32)
    number = pick_up(actor=alice, interaction_id=waiting)
    assert [r.number for r in inbox(actor=alice, query=ListQuery()).rows] == [number]
    assert inbox(actor=alice, query=ListQuery(scope=Scope.VIRTUAL_AGENT)).rows == ()
    with pytest.raises(InvalidInput, match="another agent already has it"):
        pick_up(actor=bob, interaction_id=waiting)
    with Session(engine) as session:
        audited = session.exec(
            select(AuditEvent).where(AuditEvent.action == AuditAction.INTERACTION_PICKED_UP)
        ).all()
    assert [a.interaction_id for a in audited] == [waiting]


def test_details_save_validates_first_and_writes_only_changes(engine: Engine) -> None:
    make_channel()
    dana = make_consumer("Dana", PHONE)
    eli = make_consumer("Eli", "+14155550124")
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi"))
    with Session(engine) as session:
        session.add(CustomerCase(number="CS0001001", short_description="Broken screen"))
        session.commit()
    with pytest.raises(NotFound, match="There is no case CS0009999"):
        update_details(
            actor=alice,
            interaction_id=sent.interaction_id,
            change=DetailsChange(case_number="cs0009999", short_description="lost"),
        )
    assert (
        details_service.details(actor=alice, interaction_id=sent.interaction_id).short_description
        == ""
    )
    changed = update_details(
        actor=alice,
        interaction_id=sent.interaction_id,
        change=DetailsChange(
            case_number="cs0001001",
            short_description="Screen repair",
            state=InteractionState.ON_HOLD,
            person=eli,
            confirmed=True,  # moving Dana's number to Eli asks first (test_details_access.py)
        ),
    )
    assert sorted(changed) == ["case_id", "person", "short_description", "state"]
    view = details_service.details(actor=alice, interaction_id=sent.interaction_id)
    assert (view.case_number, view.state, view.person_name) == (
        "CS0001001",
        "on_hold",
        "Eli Tester",
    )
    with Session(engine) as session:  # the number follows the person: Eli's profile now
        profile = session.exec(select(ChannelUserProfile).where(ChannelUserProfile.is_active)).one()
    assert profile.consumer_id == eli.id != dana.id
    assert (
        update_details(
            actor=alice,
            interaction_id=sent.interaction_id,
            change=DetailsChange(short_description="Screen repair"),
        )
        == []
    )  # nothing changed: no audit row
    with pytest.raises(InvalidInput, match="at most 200"):
        update_details(
            actor=alice,
            interaction_id=sent.interaction_id,
            change=DetailsChange(short_description="x" * 201),
        )


def test_the_persons_panel_shows_opt_outs_per_sending_number_and_other_interactions(
    engine: Engine,
) -> None:
    make_channel()
    dana = make_consumer("Dana", PHONE)
    alice = make_user("alice")
    phone_call = create_interaction(actor=alice, type=InteractionType.PHONE, person=dana)
    _text("STOP", "SM" + "2" * 32, to=BILLING_NUMBER)
    view = details_service.details(actor=alice, interaction_id=phone_call.id)
    # The channel's STOP policy (on by default): a STOP to one number stops both.
    assert [(n.e164, n.opted_out_from) for n in view.numbers] == [(PHONE, ("line 0", "line 1"))]
    assert [o.number for o in view.others] != []
    assert all(o.id != phone_call.id for o in view.others)


def test_a_number_sent_to_as_other_is_the_persons_in_the_panel_and_the_composer(
    engine: Engine,
) -> None:
    """Send to Other makes the number the person's on the SMS channel (their profile): the
    panel lists it beside their stored numbers, with its opt-outs, found trying it as an agent."""
    make_channel()
    dana = make_consumer("Dana", PHONE)
    alice = make_user("alice")
    phone_call = create_interaction(actor=alice, type=InteractionType.PHONE, person=dana)
    other = "+14155550177"
    sent = send_sms(
        actor=alice,
        request=SendRequest(SUPPORT_NUMBER, "(415) 555-0177", "new number?", phone_call.id),
    )
    receive_sms(sms=InboundSms(sid="SM" + "4" * 32, from_=other, to=BILLING_NUMBER, body="stop"))
    view = details_service.details(actor=alice, interaction_id=sent.interaction_id)
    assert [(n.e164, n.kind, n.opted_out_from) for n in view.numbers] == [
        (PHONE, "mobile", ()),
        (other, "sms profile", ("line 0", "line 1")),  # the channel-wide STOP policy
    ]
    # Composing from the phone call, To offers it too, after the interaction's own number.
    options = compose_options(actor=alice, interaction_id=phone_call.id, default_region="US")
    assert [o.e164 for o in options.to_options] == [PHONE, other]


def test_from_is_the_number_the_consumer_last_wrote_to(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    waiting = _text("billing question", "SM" + "3" * 32, to=BILLING_NUMBER)
    options = compose_options(actor=alice, interaction_id=waiting, default_region="US")
    assert options.default_from == BILLING_NUMBER
    assert options.from_numbers == ((SUPPORT_NUMBER, "line 0"), (BILLING_NUMBER, "line 1"))
    assert options.inline


def test_a_hand_over_shows_what_the_consumer_told_the_virtual_agent(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", PHONE)
    alice = make_user("alice")
    waiting = _text("My order never came", "SM" + "4" * 32)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Alice here"))
    view = conversation(actor=alice, interaction_id=sent.interaction_id)
    assert view.earlier_id == waiting
    assert [m.body for m in view.earlier] == ["My order never came"]
