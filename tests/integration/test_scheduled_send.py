"""A scheduled message at its time (issue 26 item 3), on SQLite and PostgreSQL: the outbox
claims it only once due, sends it once (also with two dispatchers racing, and after a restart),
and checks it again first: closed interaction, From number removed, opt-out, quiet hours."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import (
    AuditEvent,
    Interaction,
    InteractionState,
    Message,
    MessageStatus,
    Notice,
    ProviderNumber,
    utcnow,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.quiet_hours import OutsideQuietHours
from agent_workspace.services.outbox import claims
from agent_workspace.services.outbox.dispatch import Dispatcher
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.sms.gateway import FetchedMedia, OutboundSms, ProviderMessage
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.quiet_numbers import day_number, night_number


@dataclass
class CountingGateway:
    """Accepts every send and counts them; a lookup finds nothing."""

    sent: list[OutboundSms] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, msg: OutboundSms, *, timeout: float | None = None) -> ProviderMessage:
        with self.lock:
            self.sent.append(msg)
            sid = f"SM{len(self.sent):032d}"
        return ProviderMessage(
            sid, "queued", msg.to, msg.from_, msg.body, datetime.now(UTC), direction="outbound-api"
        )

    def list_messages(
        self, *, to: str, from_: str | None, created_after: datetime, timeout: float | None = None
    ) -> list[ProviderMessage]:
        return []

    def fetch_media(self, url: str) -> FetchedMedia:
        raise AssertionError("no media here")

    def fetch_message(self, sid: str, *, timeout: float | None = None) -> ProviderMessage:
        raise AssertionError("no status checks here")


def _dispatcher(gateway: CountingGateway) -> Dispatcher:
    return Dispatcher(
        gateway, status_callback_url="https://example.invalid/s", media_url=lambda i, n: n
    )


@pytest.fixture
def agent(engine: Engine) -> Actor:
    make_channel(quiet_hours=True)
    return make_user("alice")


def _schedule(agent: Actor, to: str, at: datetime | None = None, body: str = "Morning") -> int:
    """A message scheduled at the next opening for `to` (or at `at`)."""
    make_consumer("Kenji", to)
    if at is None:
        with pytest.raises(OutsideQuietHours) as refused:
            send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, to, body))
        at = refused.value.opens_at
    request = SendRequest(SUPPORT_NUMBER, to, body, send_at=at)
    return send_sms(actor=agent, request=request).message_id


def _move_to(message_id: int, at: datetime) -> None:
    with transaction() as session:
        message = session.get(Message, message_id)
        assert message is not None
        message.scheduled_for = at
        session.add(message)


def _message(engine: Engine, message_id: int) -> Message:
    with Session(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def _one_pass_once_due(engine: Engine, message_id: int) -> tuple[list[OutboundSms], Message]:
    """The message made due a second ago (as if its time had come), one dispatcher pass:
    what the provider was asked to send, and the message after it."""
    _move_to(message_id, utcnow() - timedelta(seconds=1))
    gateway = CountingGateway()
    _dispatcher(gateway).run_once()
    return gateway.sent, _message(engine, message_id)


def _soon_day_number() -> str:
    return day_number(utcnow(), margin=timedelta(minutes=30))


def test_a_scheduled_message_is_not_claimed_before_its_time_and_goes_once_after(
    engine: Engine, agent: Actor
) -> None:
    message_id = _schedule(agent, _soon_day_number(), at=utcnow() + timedelta(minutes=10))
    gateway = CountingGateway()
    dispatcher = _dispatcher(gateway)

    assert dispatcher.run_once() == 0
    assert _message(engine, message_id).status is MessageStatus.SCHEDULED
    due_in = claims.next_due_in(engine=engine)
    assert due_in is not None and 500 < due_in <= 600  # the dispatcher wakes for it

    _move_to(message_id, utcnow() - timedelta(seconds=1))
    dispatcher.run_once()
    dispatcher.run_once()

    assert [m.body for m in gateway.sent] == ["Morning"]
    message = _message(engine, message_id)
    assert message.provider_sid == "SM" + "1".rjust(32, "0")


def test_two_dispatchers_send_a_due_scheduled_message_exactly_once(
    engine: Engine, agent: Actor
) -> None:
    ids = [
        _schedule(agent, _soon_day_number(), at=utcnow() + timedelta(minutes=5), body=f"m{i}")
        for i in range(6)
    ]
    for message_id in ids:
        _move_to(message_id, utcnow() - timedelta(seconds=1))
    gateway = CountingGateway()
    first, second = _dispatcher(gateway), _dispatcher(gateway)
    start = threading.Barrier(2)

    def run(dispatcher: Dispatcher) -> None:
        start.wait()
        for _ in range(4):
            dispatcher.run_once()

    threads = [threading.Thread(target=run, args=(d,)) for d in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    _dispatcher(gateway).run_once()  # a restarted worker finds nothing left to send

    assert sorted(m.body for m in gateway.sent) == [f"m{i}" for i in range(6)]
    with Session(engine) as session:
        released = session.exec(
            select(AuditEvent).where(AuditEvent.action == "message.schedule_released")
        ).all()
    assert len(released) == 6


def test_still_night_at_its_time_it_waits_for_the_next_opening(
    engine: Engine, agent: Actor
) -> None:
    message_id = _schedule(agent, night_number(utcnow()))
    opens = _message(engine, message_id).scheduled_for

    sent, message = _one_pass_once_due(engine, message_id)  # as if the policy had changed

    assert sent == []
    assert message.status is MessageStatus.SCHEDULED
    assert message.scheduled_for == opens
    assert message.lease_token is None


def _notices(engine: Engine) -> list[str]:
    with Session(engine) as session:
        return [n.text for n in session.exec(select(Notice).order_by(col(Notice.id))).all()]


def test_an_interaction_closed_before_its_time_fails_it_and_tells_the_author(
    engine: Engine, agent: Actor
) -> None:
    message_id = _schedule(agent, _soon_day_number(), at=utcnow() + timedelta(minutes=5))
    with transaction() as session:
        message = session.get(Message, message_id)
        assert message is not None
        interaction = session.get(Interaction, message.interaction_id)
        assert interaction is not None
        interaction.state = InteractionState.CLOSED_COMPLETE
        session.add(interaction)

    sent, message = _one_pass_once_due(engine, message_id)

    assert sent == []
    assert message.status is MessageStatus.FAILED
    assert message.error_message and "was closed before the message's time" in message.error_message
    [notice] = _notices(engine)
    assert "Your scheduled message in IMS" in notice and "was not sent" in notice


def test_a_from_number_removed_from_the_channel_fails_it(engine: Engine, agent: Actor) -> None:
    message_id = _schedule(agent, _soon_day_number(), at=utcnow() + timedelta(minutes=5))
    with transaction() as session:
        number = session.exec(
            select(ProviderNumber).where(ProviderNumber.e164 == SUPPORT_NUMBER)
        ).one()
        number.is_active = False
        session.add(number)

    _, message = _one_pass_once_due(engine, message_id)

    assert message.status is MessageStatus.FAILED
    assert "is no longer one of the SMS channel's numbers" in (message.error_message or "")
    assert len(_notices(engine)) == 1


def test_an_opt_out_since_it_was_scheduled_fails_it(engine: Engine, agent: Actor) -> None:
    from tests.integration.send.conftest import inbound

    to = _soon_day_number()
    message_id = _schedule(agent, to, at=utcnow() + timedelta(minutes=5))
    inbound("STOP", from_=to)

    sent, message = _one_pass_once_due(engine, message_id)

    assert sent == []
    assert message.status is MessageStatus.FAILED
    assert f"{to} has opted out of messages from" in (message.error_message or "")
