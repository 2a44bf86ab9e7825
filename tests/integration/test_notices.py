"""The agent whose work someone else closed or took over hears who did it and where it went."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.interactions import notices, supervision
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

SHARED = "+14155550123"


def test_a_send_that_closes_another_agents_interaction_tells_them(engine: Engine) -> None:
    make_channel()
    maria = make_consumer("Maria", SHARED)
    carlos = make_consumer("Carlos", SHARED)
    alice, bob = make_user("alice"), make_user("bob")
    about_maria = create_interaction(actor=alice, type=InteractionType.PHONE, person=maria)
    first = send_sms(
        actor=alice,
        request=SendRequest(SUPPORT_NUMBER, SHARED, "Hi Maria", interaction_id=about_maria.id),
    )

    about_carlos = create_interaction(actor=bob, type=InteractionType.PHONE, person=carlos)
    moved = send_sms(
        actor=bob,
        request=SendRequest(
            SUPPORT_NUMBER, SHARED, "Hi Carlos", interaction_id=about_carlos.id, confirmed=True
        ),
    )

    [notice] = notices.unread_notices(actor=alice)
    assert notice.text == (
        f"Bob texted {SHARED} and closed your {first.interaction_number}; "
        f"the conversation continues in {moved.interaction_number}."
    )
    assert notice.interaction_id == moved.interaction_id
    assert notices.unread_notices(actor=bob) == []
    notices.dismiss(actor=bob, notice_id=notice.id)  # not Bob's: nothing happens
    assert len(notices.unread_notices(actor=alice)) == 1
    notices.dismiss(actor=alice, notice_id=notice.id)
    assert notices.unread_notices(actor=alice) == []


def test_taking_over_tells_the_agent_who_had_it(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", SHARED)
    alice = make_user("alice")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, SHARED, "Hello"))
    supervision.take_over(actor=sam, interaction_id=sent.interaction_id)
    [notice] = notices.unread_notices(actor=alice)
    assert notice.text == f"Sam took over {sent.interaction_number}; it is theirs now."


def test_dismiss_all_reads_only_the_agents_own_notices(engine: Engine) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    with transaction() as session:
        for who in (alice, alice, bob):
            notices.notify(session, agent_id=who.user_id, text="Reassigned", interaction_id=None)
    assert notices.dismiss_all(actor=alice) == 2
    assert notices.unread_notices(actor=alice) == []
    assert len(notices.unread_notices(actor=bob)) == 1
    assert notices.dismiss_all(actor=alice) == 0  # nothing left: nothing written
