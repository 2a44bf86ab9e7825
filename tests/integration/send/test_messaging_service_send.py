"""Send through the channel's Messaging Service (issue 26 item 9): the agent chooses no From,
Twilio picks the sender from the service's pool (sticky per recipient), and the composer says
so, naming the sender Twilio last used for the phone once one is known."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.models import Message, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import setup
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.outbox import claims
from agent_workspace.services.outbox.statuses import Accepted, record_accepted
from agent_workspace.services.sending.options import compose_options
from agent_workspace.services.sending.send import SendRequest, preview_send, send_sms
from tests.integration.send.conftest import PHONE
from tests.support.factories import BILLING_NUMBER, SUPPORT_NUMBER, make_channel, make_user

SERVICE = "MG4154e1578d6f7d406e99309eed40717d"


@pytest.fixture
def alice(engine: Engine) -> Actor:
    make_channel()
    return make_user("alice")


def _use_service(sid: str) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.update_sms_channel(actor=ada, name="SMS", region="US", messaging_service_sid=sid)


def _twilio_reports_sender(message_id: int, sender: str) -> None:
    """The create's answer names the sender the service chose (as a callback would)."""
    (job,) = claims.claim_due()
    assert job.message_id == message_id
    record_accepted(
        [Accepted(message_id, job.lease_token, "SM" + "5" * 32, "queued", from_=sender)]
    )


def test_with_a_service_send_needs_no_from_and_the_message_goes_through_it(
    alice: Actor,
) -> None:
    _use_service(SERVICE)

    preview = preview_send(actor=alice, interaction_id=None, from_number="", to=PHONE)
    sent = send_sms(actor=alice, request=SendRequest("", PHONE, "Your parcel left"))

    assert preview.plan.endswith("open a new interaction")
    with transaction() as session:
        message = session.get(Message, sent.message_id)
        assert message is not None
        assert message.messaging_service_sid == SERVICE
        assert message.from_number in (SUPPORT_NUMBER, BILLING_NUMBER)  # the channel's, kept


def test_without_a_service_a_send_with_no_from_is_refused_saying_so(alice: Actor) -> None:
    with pytest.raises(InvalidInput, match="Choose a From number"):
        send_sms(actor=alice, request=SendRequest("", PHONE, "Hello"))
    with pytest.raises(InvalidInput, match="Choose a From number"):
        preview_send(actor=alice, interaction_id=None, from_number="", to=PHONE)


def test_the_composer_offers_the_service_then_the_sender_twilio_last_used(alice: Actor) -> None:
    plain = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi"))
    before = compose_options(actor=alice, interaction_id=plain.interaction_id, default_region="US")
    assert (before.via_service, before.service_senders) == (False, ())

    _use_service(SERVICE)
    first = compose_options(actor=alice, interaction_id=plain.interaction_id, default_region="US")
    assert (first.via_service, first.service_senders) == (True, ())  # Twilio has not chosen yet

    claims.claim_due()  # the plain text goes its way first
    through = send_sms(actor=alice, request=SendRequest("", PHONE, "Through the service"))
    _twilio_reports_sender(through.message_id, BILLING_NUMBER)
    later = compose_options(actor=alice, interaction_id=plain.interaction_id, default_region="US")
    assert (later.via_service, later.service_senders) == (True, ((PHONE, BILLING_NUMBER),))

    # The next Send records the sticky sender as its From: opt-out checks read it.
    again = send_sms(actor=alice, request=SendRequest("", PHONE, "And again"))
    with transaction() as session:
        message = session.get(Message, again.message_id)
        assert message is not None and message.from_number == BILLING_NUMBER
