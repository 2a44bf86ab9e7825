"""A scheduled message until it goes (issue 26 item 3): the agent edits its text or time, or
cancels it. Each is one conditional UPDATE that holds only while the message is still
`scheduled` and no dispatcher holds it, so an edit never races the send: once the outbox has
claimed it, the agent is told it is on its way."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.consumer_time import consumer_zone
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.segments import check_body, count_segments
from agent_workspace.models import Direction, Interaction, Message, MessageStatus, utcnow
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.conversation.quiet_hours import judge_quiet, refusal
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.outbox import wakeups
from agent_workspace.services.people.directory import get_person, person_ref

GONE = "That message is no longer scheduled: it has gone, failed or was cancelled."


@dataclass(frozen=True)
class ScheduledView:
    message_id: int
    body: str
    scheduled_for: datetime
    zone: str = ""  # the consumer's zone, for a time picked in their time ("" unknown)


def scheduled_message(
    *, actor: Actor | None, message_id: int, engine: Engine | None = None
) -> ScheduledView:
    """A scheduled message as the Edit form starts from."""
    with reading(engine) as session:
        _, message, interaction = _scheduled(session, actor, message_id)
        person = person_ref(interaction.consumer_id, interaction.contact_id)
        view = get_person(session, person) if person else None
        where = consumer_zone(message.to_number, view.time_zone if view else None)
        zone = where.zone or (where.candidates[0] if where.candidates else "")
        return dataclasses.replace(_view(message), zone=zone)


def reschedule(
    *,
    actor: Actor | None,
    message_id: int,
    body: str | None = None,
    send_at: datetime | None = None,
    engine: Engine | None = None,
) -> ScheduledView:
    """Changes a scheduled message's text and/or time; the new time is judged by quiet hours
    like a Send (OutsideQuietHours names the next opening)."""
    with transaction(engine) as session:
        agent, message, interaction = _scheduled(session, actor, message_id)
        before = {"body": message.body, "scheduled_for": _iso(message.scheduled_for)}
        values: dict[str, Any] = {}
        if body is not None and body != message.body:
            if problem := check_body(body, has_media=False):
                raise InvalidInput(problem)
            values.update(body=body, segments=count_segments(body).segments)
        if send_at is not None and send_at != message.scheduled_for:
            if send_at.tzinfo is None:
                raise InvalidInput("A scheduled time needs its time zone.")
            _judge(session, message, interaction, send_at)
            values["scheduled_for"] = send_at
        if not values:
            return _view(message)
        _update(session, message, values)
        after = {"body": message.body, "scheduled_for": _iso(message.scheduled_for)}
        record(
            session=session,
            actor=agent,
            action=AuditAction.MESSAGE_SCHEDULE_CHANGED,
            entity=message,
            detail={"before": before, "after": after},
        )
        _changed(session, message)
        wakeups.announce(session)  # the dispatcher's next wait follows the new time
        return _view(message)


def cancel_scheduled(*, actor: Actor | None, message_id: int, engine: Engine | None = None) -> None:
    """Cancels a scheduled message before it goes; it stays in the conversation, cancelled."""
    with transaction(engine) as session:
        agent, message, _ = _scheduled(session, actor, message_id)
        _update(session, message, {"status": MessageStatus.CANCELED})
        record(
            session=session,
            actor=agent,
            action=AuditAction.MESSAGE_SCHEDULE_CANCELED,
            entity=message,
            detail={"scheduled_for": _iso(message.scheduled_for)},
        )
        _changed(session, message)


def _scheduled(
    session: Session, actor: Actor | None, message_id: int
) -> tuple[Actor, Message, Interaction]:
    """The message, checked through the access rule of its interaction (who works on it)."""
    message = session.get(Message, message_id) if is_row_id(message_id) else None
    if message is None or message.direction != Direction.OUTBOUND:
        raise NotFound("No such message.")
    agent, interaction = access_interaction(session, actor, message.interaction_id, need=Need.WORK)
    if message.status != MessageStatus.SCHEDULED:
        raise InvalidInput(GONE)
    return agent, message, interaction


def _judge(session: Session, message: Message, interaction: Interaction, at: datetime) -> None:
    judged = judge_quiet(
        session,
        at=at,
        channel=sms_channel(session, interaction.channel_id),
        phone=message.to_number,
        person=person_ref(interaction.consumer_id, interaction.contact_id),
    )
    if not judged.verdict.allowed:
        raise refusal(judged)


def _update(session: Session, message: Message, values: dict[str, Any]) -> None:
    """One UPDATE while it is scheduled and unclaimed (a claimed one is on its way)."""
    now = utcnow()
    changed = session.execute(
        sa.update(Message)
        .where(
            col(Message.id) == message.id,
            col(Message.status) == MessageStatus.SCHEDULED,
            sa.or_(col(Message.lease_until).is_(None), col(Message.lease_until) < now),
        )
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidInput("That message is being sent now; it can no longer be changed.")
    session.refresh(message)


def _changed(session: Session, message: Message) -> None:
    events.after_commit(
        session, events.InteractionChanged(message.interaction_id, messages_only=True)
    )


def _view(message: Message) -> ScheduledView:
    assert message.id is not None and message.scheduled_for is not None
    return ScheduledView(message.id, message.body, message.scheduled_for)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None
