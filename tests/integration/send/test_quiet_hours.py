"""Quiet hours at Send (issue 26 item 2) and scheduled messages until they go (item 3), on
SQLite and PostgreSQL, on the real clock: the recipient is a number where it is night now
(tests/quiet_numbers.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import AuditEvent, Message, MessageStatus, Role, utcnow
from agent_workspace.services.access import Actor
from agent_workspace.services.channels.quiet_hours import QuietHours, update_quiet_hours
from agent_workspace.services.conversation.quiet_hours import OutsideQuietHours
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.interactions.lists import list_my_interactions
from agent_workspace.services.interactions.supervision import load_board
from agent_workspace.services.sending.scheduled import cancel_scheduled, reschedule
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.integration.send.conftest import counts, inbound
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.quiet_numbers import day_number, night_number


@pytest.fixture
def agent(engine: Engine) -> Actor:
    make_channel(quiet_hours=True)
    return make_user("alice")


def _request(to: str, **changes: object) -> SendRequest:
    fields: dict[str, object] = {"from_number": SUPPORT_NUMBER, "to": to, "body": "Hello"}
    fields.update(changes)
    return SendRequest(**fields)  # type: ignore[arg-type]


def _audits(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
            ).all()
        )


def _message(engine: Engine, message_id: int) -> Message:
    with Session(engine) as session:
        message = session.get(Message, message_id)
        assert message is not None
        return message


def test_a_send_outside_quiet_hours_is_refused_before_anything_is_written(
    engine: Engine, agent: Actor
) -> None:
    night = night_number(utcnow())
    make_consumer("Kenji", night)
    before = counts(engine)

    with pytest.raises(OutsideQuietHours) as refused:
        send_sms(actor=agent, request=_request(night))

    assert "for them" in refused.value.message
    assert "texts go 08:00-21:00 their time" in refused.value.message
    assert refused.value.opens_at is not None and refused.value.opens_at > utcnow()
    assert refused.value.opening.startswith("08:00 their time (")
    assert counts(engine) == before
    # "Yes" to the routing question is no answer to quiet hours.
    with pytest.raises(OutsideQuietHours):
        send_sms(actor=agent, request=_request(night, confirmed=True))


def test_a_send_inside_the_hours_or_a_reply_or_with_quiet_hours_off_goes(
    engine: Engine, agent: Actor
) -> None:
    now = utcnow()
    assert send_sms(actor=agent, request=_request(day_number(now))).workflow is not None

    night = night_number(now)
    inbound("are you there?", from_=night)  # a reply within 24 h is exempt
    sent = send_sms(actor=agent, request=_request(night, body="Yes"))
    assert _message(engine, sent.message_id).status is MessageStatus.QUEUED


def test_turning_quiet_hours_off_lets_a_night_send_go(engine: Engine, agent: Actor) -> None:
    admin = make_user("adm", roles=(Role.ADMIN,))
    update_quiet_hours(actor=admin, hours=QuietHours(enabled=False))
    sent = send_sms(actor=agent, request=_request(night_number(utcnow())))
    assert _message(engine, sent.message_id).status is MessageStatus.QUEUED


def test_send_now_anyway_needs_a_reason_and_is_audited_with_it(
    engine: Engine, agent: Actor
) -> None:
    night = night_number(utcnow())
    with pytest.raises(OutsideQuietHours):
        send_sms(actor=agent, request=_request(night, override_reason="   "))

    sent = send_sms(
        actor=agent, request=_request(night, override_reason="They asked us to text tonight")
    )

    assert _message(engine, sent.message_id).status is MessageStatus.QUEUED
    [audit] = _audits(engine, "message.quiet_hours_overridden")
    assert audit.entity_id == sent.message_id
    assert audit.detail["reason"] == "They asked us to text tonight"
    assert "for them" in audit.detail["quiet_hours"]
    assert audit.actor_user_id == agent.user_id


def test_send_at_the_opening_stores_a_scheduled_message_and_queues_nothing(
    engine: Engine, agent: Actor
) -> None:
    night = night_number(utcnow())
    with pytest.raises(OutsideQuietHours) as refused:
        send_sms(actor=agent, request=_request(night))
    opens = refused.value.opens_at
    assert opens is not None

    sent = send_sms(actor=agent, request=_request(night, send_at=opens, body="Good morning"))

    message = _message(engine, sent.message_id)
    assert message.status is MessageStatus.SCHEDULED
    assert message.scheduled_for == opens
    [audit] = _audits(engine, "message.scheduled")
    assert audit.detail["scheduled_for"] == opens.isoformat()
    # A time inside the night is refused like a Send now.
    with pytest.raises(OutsideQuietHours):
        send_sms(actor=agent, request=_request(night, send_at=opens - timedelta(minutes=30)))


def _scheduled(engine: Engine, agent: Actor) -> tuple[int, str]:
    night = night_number(utcnow())
    with pytest.raises(OutsideQuietHours) as refused:
        send_sms(actor=agent, request=_request(night))
    opens = refused.value.opens_at
    assert opens is not None
    return send_sms(actor=agent, request=_request(night, send_at=opens)).message_id, night


def test_the_agent_edits_a_scheduled_messages_text_and_time(engine: Engine, agent: Actor) -> None:
    message_id, _ = _scheduled(engine, agent)
    opens = _message(engine, message_id).scheduled_for
    assert opens is not None
    later = opens + timedelta(hours=1)

    view = reschedule(actor=agent, message_id=message_id, body="Good morning!", send_at=later)

    assert (view.body, view.scheduled_for) == ("Good morning!", later)
    message = _message(engine, message_id)
    assert (message.body, message.scheduled_for, message.status) == (
        "Good morning!",
        later,
        MessageStatus.SCHEDULED,
    )
    [audit] = _audits(engine, "message.schedule_changed")
    assert audit.detail["after"]["body"] == "Good morning!"
    with pytest.raises(OutsideQuietHours):  # moved into the night: refused, nothing changed
        reschedule(actor=agent, message_id=message_id, send_at=opens - timedelta(minutes=30))
    assert _message(engine, message_id).scheduled_for == later


def test_the_agent_cancels_a_scheduled_message_and_it_cannot_be_changed_after(
    engine: Engine, agent: Actor
) -> None:
    message_id, _ = _scheduled(engine, agent)

    cancel_scheduled(actor=agent, message_id=message_id)

    assert _message(engine, message_id).status is MessageStatus.CANCELED
    assert len(_audits(engine, "message.schedule_canceled")) == 1
    with pytest.raises(InvalidInput, match="no longer scheduled"):
        cancel_scheduled(actor=agent, message_id=message_id)
    with pytest.raises(InvalidInput, match="no longer scheduled"):
        reschedule(actor=agent, message_id=message_id, body="again")


def test_another_agent_not_on_the_interaction_cannot_edit_or_cancel(
    engine: Engine, agent: Actor
) -> None:
    message_id, _ = _scheduled(engine, agent)
    bob = make_user("bob")

    with pytest.raises(AccessDenied):
        cancel_scheduled(actor=bob, message_id=message_id)
    assert _message(engine, message_id).status is MessageStatus.SCHEDULED


def test_the_list_row_and_the_board_mark_an_interaction_with_a_scheduled_message(
    engine: Engine, agent: Actor
) -> None:
    message_id, _ = _scheduled(engine, agent)
    [row] = list_my_interactions(actor=agent)
    assert row.scheduled
    assert [r.interaction.scheduled for r in load_board().rows] == [True]

    cancel_scheduled(actor=agent, message_id=message_id)
    [row] = list_my_interactions(actor=agent)
    assert not row.scheduled
