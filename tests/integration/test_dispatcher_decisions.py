"""The dispatcher's choices after an uncertain attempt and under its lease, with a hand-written
fake gateway."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import AuditEvent, Message, MessageStatus, utcnow
from agent_workspace.services.outbox import claims
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.sms.gateway import (
    FetchedMedia,
    OutboundSms,
    PermanentSmsError,
    ProviderMessage,
    SmsError,
    UncertainSmsError,
)
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

TO = "+14155550123"


@dataclass
class FakeGateway:
    """Answers from scripts: each call pops the next outcome (an exception or a value).

    `during_call` runs inside every call, as if the call took long (another dispatcher acts).
    """

    sends: list[SmsError | ProviderMessage] = field(default_factory=list)
    lookups: list[SmsError | list[ProviderMessage]] = field(default_factory=list)
    sent: list[OutboundSms] = field(default_factory=list)
    timeouts: list[float | None] = field(default_factory=list)
    during_call: Callable[[], object] = lambda: None

    def send(self, msg: OutboundSms, *, timeout: float | None = None) -> ProviderMessage:
        self.sent.append(msg)
        self.timeouts.append(timeout)
        self.during_call()
        outcome = self.sends.pop(0)
        if isinstance(outcome, SmsError):
            raise outcome
        return outcome

    def list_messages(
        self, *, to: str, from_: str | None, created_after: datetime, timeout: float | None = None
    ) -> list[ProviderMessage]:
        self.timeouts.append(timeout)
        self.during_call()
        outcome = self.lookups.pop(0)
        if isinstance(outcome, SmsError):
            raise outcome
        return outcome

    def fetch_media(self, url: str) -> FetchedMedia:
        raise AssertionError("no media in these tests")

    def fetch_message(self, sid: str, *, timeout: float | None = None) -> ProviderMessage:
        raise AssertionError("no status checks in these tests")


def _provider_copy(sid: str, body: str, status: str = "sent") -> ProviderMessage:
    return ProviderMessage(
        sid, status, TO, SUPPORT_NUMBER, body, datetime.now(UTC), direction="outbound-api"
    )


def _queued(body: str) -> int:
    make_channel()
    make_consumer("Dana", TO)
    agent = make_user("alice")
    return send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, TO, body)).message_id


def _dispatcher(gateway: FakeGateway, **options: timedelta) -> Dispatcher:
    return Dispatcher(
        gateway,
        status_callback_url="https://example.invalid/s",
        media_url=lambda i, n: n,
        **options,  # type: ignore[arg-type]
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
    assert message.error_message.startswith("Sending again shortly")


def _another_dispatcher_takes_over(message_id: int) -> Callable[[], object]:
    """While this call runs, the lease runs out and another dispatcher claims the message."""

    def take_over() -> None:
        with transaction() as session:
            message = session.get(Message, message_id)
            assert message is not None
            message.lease_until = utcnow() - timedelta(seconds=1)
        assert [job.message_id for job in claims.claim_due()] == [message_id]

    return take_over


def test_a_dispatcher_that_lost_its_lease_during_the_send_records_nothing(
    engine: Engine,
) -> None:
    message_id = _queued("hello")
    gateway = FakeGateway(sends=[_provider_copy("SM1", "hello", status="queued")])
    gateway.during_call = _another_dispatcher_takes_over(message_id)
    _dispatcher(gateway).run_once()
    message = _message(message_id)
    assert message.provider_sid is None, "the result of a lost lease is not recorded"
    assert message.needs_reconcile, "the new holder must look before it sends"
    assert message.lease_token is not None and message.lease_until is not None
    with transaction() as session:
        audits = session.exec(select(AuditEvent).where(AuditEvent.entity_id == message_id)).all()
    assert "message.accepted" not in {a.action for a in audits}


def test_a_dispatcher_that_lost_its_lease_while_looking_does_not_send(engine: Engine) -> None:
    message_id = _queued("hello")
    gateway = FakeGateway(sends=[UncertainSmsError("no answer")], lookups=[[]])
    dispatcher = _dispatcher(gateway)
    dispatcher.run_once()
    _due_now(message_id)
    gateway.during_call = _another_dispatcher_takes_over(message_id)
    dispatcher.run_once()
    assert len(gateway.sent) == 1, "the lookup found nothing, but the lease was gone: no send"
    message = _message(message_id)
    assert message.error_message is not None and message.error_message.startswith(
        "Sending again shortly"
    )
    assert message.lease_until is not None and message.lease_until > utcnow()


def test_every_provider_call_ends_before_the_lease(engine: Engine) -> None:
    message_id = _queued("hello")
    gateway = FakeGateway(
        sends=[UncertainSmsError("no answer", http_status=500), _provider_copy("SM2", "hello")],
        lookups=[[]],
    )
    dispatcher = _dispatcher(gateway, lease=timedelta(seconds=10))
    dispatcher.run_once()
    _due_now(message_id)
    dispatcher.run_once()
    assert len(gateway.timeouts) == 3
    assert all(t is not None and 0 < t < 10 for t in gateway.timeouts), gateway.timeouts


def test_a_create_with_no_answer_is_looked_up_only_once_the_provider_had_time(
    engine: Engine,
) -> None:
    """A timeout may mean the provider is still storing it; a 500 was its final answer."""
    unanswered, answered = _queued("no answer"), None
    gateway = FakeGateway(sends=[UncertainSmsError("timed out")])
    _dispatcher(gateway, settle=timedelta(minutes=10)).run_once()
    due = _message(unanswered).next_attempt_at
    assert due is not None and due > utcnow() + timedelta(minutes=9)

    with transaction() as session:
        message = session.get(Message, unanswered)
        assert message is not None
        message.status = MessageStatus.FAILED  # out of the way
    answered = send_sms(
        actor=make_user("bob"), request=SendRequest(SUPPORT_NUMBER, TO, "a 500")
    ).message_id
    gateway = FakeGateway(sends=[UncertainSmsError("server error", http_status=500)])
    _dispatcher(gateway, settle=timedelta(minutes=10)).run_once()
    due = _message(answered).next_attempt_at
    assert due is not None and due < utcnow() + timedelta(minutes=1)
