"""The person's panel calls each number what it is (issue 23, item 9): a landline is not
"mobile", and a number whose last text failed for good (30005, 30006) says so until a text
gets through or the number writes in again."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType
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

GONE = "+12015550135"
UNREACHABLE = "+12015550136"
LANDLINE = "+442079460958"
WORKS = "+14155550111"


def test_the_panel_says_which_numbers_cannot_take_a_text_and_why(engine: Engine) -> None:
    make_channel()
    nora = make_consumer("Nora", GONE, LANDLINE, WORKS, UNREACHABLE)
    alice = make_user("alice")
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=nora)
    for n, phone, code in ((1, GONE, 30005), (2, UNREACHABLE, 30006)):
        send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, phone, "Hello?", call.id))
        undelivered(code, sid=f"SM{n:032d}")

    kinds = {n.e164: n.kind for n in details(actor=alice, interaction_id=call.id).numbers}
    assert kinds == {
        GONE: "phone · last text failed: unknown number (30005)",
        LANDLINE: "phone · landline, cannot receive SMS",
        WORKS: "mobile",
        UNREACHABLE: "phone · last text failed: landline or unreachable carrier (30006)",
    }

    # The number wrote in since: it exists after all.
    receive_sms(sms=InboundSms("SM" + "9" * 32, GONE, SUPPORT_NUMBER, "It's me, new SIM"))
    kinds = {n.e164: n.kind for n in details(actor=alice, interaction_id=call.id).numbers}
    assert kinds[GONE] == "mobile"
