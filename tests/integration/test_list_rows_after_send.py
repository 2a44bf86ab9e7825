"""After Send opens an SMS conversation from a phone interaction (workflow 1), the two rows
of the same person say what each one is (issue 23, item 12)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
from agent_workspace.services.interactions.inbox import ListQuery, inbox
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.live import row_item
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PHONE = "+14155550123"


def test_the_sms_row_and_the_phone_row_of_one_person_tell_themselves_apart(
    engine: Engine,
) -> None:
    make_channel()
    ivy = make_consumer("Ivy", PHONE)
    alice = make_user("alice")
    call = create_interaction(
        actor=alice, type=InteractionType.PHONE, person=ivy, short_description="Warranty call"
    )
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi Ivy", call.id))

    rows = {r.id: row_item(r) for r in inbox(actor=alice, query=ListQuery()).rows}
    texting, calling = rows[sent.interaction_id], rows[call.id]
    assert (texting.person_name, calling.person_name) == ("Ivy Tester", "Ivy Tester")
    assert (texting.kind, texting.preview) == ("SMS", "Hi Ivy")
    assert (calling.kind, calling.preview, calling.about) == ("Phone", "", "Warranty call")
