"""The dispatcher's choices after an uncertain attempt, with a hand-written fake gateway."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.models import Message, MessageStatus
from agent_workspace.services.messaging.dispatcher import Dispatcher
from agent_workspace.services.messaging.sending import SendRequest, send_sms
from agent_workspace.sms.gateway import (
    FetchedMedia,
    OutboundSms,
    PermanentSmsError,
    ProviderMessage,
    SmsError,
    UncertainSmsError,
)
from tests.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

TO = "+14155550123"


@dataclass
class FakeGateway:
    """Answers from scripts: each call pops the next outcome (an exception or a value)."""

    sends: list[SmsError | ProviderMessage] = field(default_factory=list)
    lookups: list[SmsError | list[ProviderMessage]] = field(default_factory=list)
    sent: list[OutboundSms] = field(default_factory=list)

    def send(self, msg: OutboundSms) -> ProviderMessage:
        self.sent.append(msg)
        outcome = self.sends.pop(0)
        if isinstance(outcome, SmsError):
            raise outcome
        return outcome

    def list_messages(self, *, to: str, from_: str, sent_after: datetime) -> list[ProviderMessage]:
        outcome = self.lookups.pop(0)
        if isinstance(outcome, SmsError):
            raise outcome
        return outcome

    def fetch_media(self, url: str) -> FetchedMedia:
        raise AssertionError("no media in these tests")


def _provider_copy(sid: str, body: str) -> ProviderMessage:
    return ProviderMessage(sid, "sent", TO, SUPPORT_NUMBER, body, datetime.now(UTC))


def _queued(body: str) -> int:
    make_channel()
    make_consumer("Dana", TO)
    agent = make_user("alice")
    return send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, TO, body)).message_id


def _dispatcher(gateway: FakeGateway) -> Dispatcher:
    return Dispatcher(
        gateway, status_callback_url="https://example.invalid/s", media_url=lambda i, n: n
    )


def _message(message_id: int) -> Message:
    with transaction() as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def _due_now(message_id: int) -> None:
    with transaction() as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.next_attempt_at = None


def test_after_a_timeout_a_copy_at_the_provider_is_adopted_not_sent_again(engine: Engine) -> None:
    message_id = _queued("hello")
    gateway = FakeGateway(
        sends=[UncertainSmsError("timed out")], lookups=[[_provider_copy("SM1", "hello")]]
    )
    dispatcher = _dispatcher(gateway)
    dispatcher.run_once()
    assert _message(message_id).needs_reconcile
    _due_now(message_id)
    dispatcher.run_once()
    assert len(gateway.sent) == 1
    assert _message(message_id).provider_sid == "SM1"
    assert _message(message_id).status is MessageStatus.SENT


def test_after_a_timeout_with_no_copy_at_the_provider_it_is_sent_once_more(
    engine: Engine,
) -> None:
    message_id = _queued("hello")
    gateway = FakeGateway(
        sends=[UncertainSmsError("timed out"), _provider_copy("SM2", "hello")],
        lookups=[[_provider_copy("SM9", "a different text")]],
    )
    dispatcher = _dispatcher(gateway)
    dispatcher.run_once()
    _due_now(message_id)
    dispatcher.run_once()
    assert len(gateway.sent) == 2
    assert _message(message_id).provider_sid == "SM2"


def test_a_failed_lookup_never_fails_the_message_nor_sends_it_blind(engine: Engine) -> None:
    message_id = _queued("hello")
    gateway = FakeGateway(
        sends=[UncertainSmsError("timed out")],
        lookups=[PermanentSmsError("Authenticate", code=20003, http_status=401)],
    )
    dispatcher = _dispatcher(gateway)
    dispatcher.run_once()
    _due_now(message_id)
    dispatcher.run_once()
    message = _message(message_id)
    assert len(gateway.sent) == 1
    assert message.status is MessageStatus.QUEUED
    assert message.needs_reconcile
    assert message.error_message is not None
    assert message.error_message.startswith("Retrying")
