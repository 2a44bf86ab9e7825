"""The composer on a channel that sends through a Messaging Service (issue 26 item 9): no
From to choose (Twilio picks the sender from the service's pool, sticky per recipient); the
composer says so, or names the sender Twilio last used for the consumer, and Send goes
without a From. Driven through ComposeState's handlers on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import Message, Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels import numbers, setup
from agent_workspace.services.outbox import claims
from agent_workspace.services.outbox.statuses import Accepted, record_accepted
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.live import ChannelFeed
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

CAROL = "+14155550123"
CAROL_WORK = "+14155550124"
SERVICE = "MG4154e1578d6f7d406e99309eed40717d"
THE_SERVICE = "From: the Messaging Service (Twilio picks the number)"


@pytest.fixture
def texts(engine: Engine) -> int:
    """Alice's text conversation with Carol, on a channel that sends through a service."""
    make_channel()
    make_consumer("Carol", CAROL, CAROL_WORK)
    alice = make_user("alice")
    texts = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, CAROL, "Hello Carol"))
    claims.claim_due()  # it went before the service was set
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.update_sms_channel(actor=ada, name="SMS", region="US", messaging_service_sid=SERVICE)
    return texts.interaction_id


def _open(interaction_id: int, monkeypatch: pytest.MonkeyPatch) -> ComposeState:
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    state = state_for(ComposeState, token)
    monkeypatch.setattr(ComposeState, "_interaction_in_url", lambda self: interaction_id)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    run(ComposeState.start.fn(state))  # type: ignore[attr-defined]
    assert state.error == ""
    return state


def _send(state: ComposeState, body: str) -> Message:
    run(ComposeState.set_body.fn(state, body))  # type: ignore[attr-defined]
    run(ComposeState.send.fn(state))  # type: ignore[attr-defined]
    assert state.error == ""
    with transaction() as session:
        return session.exec(select(Message).where(Message.body == body)).one()


def test_the_composer_asks_no_from_and_send_goes_through_the_service(
    texts: int, unlinked_feeds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _open(texts, monkeypatch)

    assert state.via_service and state.from_number == ""
    assert state.service_from == THE_SERVICE
    assert state.route_summary.startswith("From the Messaging Service to ")
    assert state.from_error == ""
    assert state.preview.startswith("Send will add the message to interaction IMS")

    message = _send(state, "Through the service")
    assert message.messaging_service_sid == SERVICE
    assert state.preview.startswith("Send will add the message to interaction IMS")


def test_once_twilio_named_the_sender_the_composer_says_it(
    texts: int, unlinked_feeds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _send(_open(texts, monkeypatch), "First through the service")
    (job,) = claims.claim_due()
    assert job.message_id == first.id
    record_accepted(
        [Accepted(job.message_id, job.lease_token, "SM" + "6" * 32, "queued", from_=BILLING_NUMBER)]
    )

    state = _open(texts, monkeypatch)

    assert state.service_from == (
        "From: line 1 (+1 415-555-0199), the number the Messaging Service last used for them"
    )
    assert state.route_summary.startswith("From line 1 (+1 415-555-0199) via the Messaging Service")
    # Twilio keeps a sender per recipient: her other number has none yet.
    run(ComposeState.set_to_choice.fn(state, CAROL_WORK))  # type: ignore[attr-defined]
    assert state.service_from == THE_SERVICE
    assert state.route_summary.startswith("From the Messaging Service to ")


def test_the_composer_follows_the_service_being_set_or_cleared_live(
    texts: int, unlinked_feeds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _open(texts, monkeypatch)
    ada = make_user("bea", roles=(Role.ADMIN,))

    def admin_sets(sid: str) -> None:
        """The admin saves the channel; the notifier pushes the channel pane to the composer."""
        setup.update_sms_channel(actor=ada, name="SMS", region="US", messaging_service_sid=sid)
        feed = run(state.get_state(ChannelFeed))
        feed._show(numbers.load_sending())
        run(ComposeState.follow_numbers.fn(state, feed.key))  # type: ignore[attr-defined]

    admin_sets("")
    assert not state.via_service and state.service_from == ""
    assert (state.from_number, state.from_error) == ("", "Choose a From number.")
    assert state.editing_route  # the From select is shown to choose from

    run(ComposeState.set_from.fn(state, BILLING_NUMBER))  # type: ignore[attr-defined]
    admin_sets(SERVICE)
    assert state.via_service and state.from_number == ""
    assert state.service_from == THE_SERVICE and state.from_error == ""
    assert state.preview.startswith("Send will add the message to interaction IMS")
