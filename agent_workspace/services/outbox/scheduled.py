"""A scheduled message at its time (issue 26 item 3): checked again before it goes.

The dispatcher claims a due `scheduled` message under a fenced lease like any queued one
(claims.py), then asks `release` whether it may still go: the interaction still active, the
From number still on the channel, no opt-out, and quiet hours now. When it may, it becomes
`queued` under the same lease and is sent at once; when quiet hours (a policy changed since)
say not yet, it waits for their next opening; when it can no longer go, it is failed with the
reason and its author is told. Every write compares the lease token, so of two dispatchers
only the one holding the claim acts, and a message goes once.
"""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import (
    ACTIVE_STATES,
    Attachment,
    Interaction,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.audit import SYSTEM, AuditAction, record
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.conversation.quiet_hours import judge_quiet
from agent_workspace.services.interactions.lifecycle import note_last_message
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.people.directory import person_ref
from agent_workspace.services.people.ledger import refusal_of
from agent_workspace.services.sla.clocks import keep_due

log = logging.getLogger(__name__)


def release(*, message_id: int, lease_token: str, engine: Engine | None = None) -> bool:
    """True when the claimed scheduled message may go now (it is `queued` under the same
    lease); False when it waits for later, failed, or the lease was lost."""
    with transaction(engine) as session:
        message = session.get(Message, message_id)
        if (
            message is None
            or message.lease_token != lease_token
            or message.status != MessageStatus.SCHEDULED
        ):
            return False
        interaction = session.get(Interaction, message.interaction_id)
        assert interaction is not None
        problem, later = _why_not(session, message, interaction)
        if later is not None:
            if not _fenced(session, message, lease_token, scheduled_for=later, **_FREED):
                return False
            record(
                session=session,
                actor=SYSTEM,
                action=AuditAction.MESSAGE_SCHEDULE_DEFERRED,
                entity=message,
                detail={"scheduled_for": later.isoformat(), "reason": problem},
            )
            _changed(session, message)
            return False
        if problem:
            _fail(session, message, interaction, lease_token, problem)
            return False
        if not _fenced(session, message, lease_token, status=MessageStatus.QUEUED):
            return False
        files = session.exec(
            select(sa.func.count()).where(Attachment.message_id == message_id)
        ).one()
        note_last_message(
            interaction, body=message.body, attachments=files, inbound=False, at=utcnow()
        )
        session.add(interaction)
        keep_due(session, [message.interaction_id])  # a reply, counted from its time
        record(
            session=session,
            actor=SYSTEM,
            action=AuditAction.MESSAGE_SCHEDULE_RELEASED,
            entity=message,
            detail={"scheduled_for": _iso(message)},
        )
        _changed(session, message)
        return True


def _why_not(
    session: Session, message: Message, interaction: Interaction
) -> tuple[str, Any | None]:
    """Why it cannot go now ("" when it can), and when to try instead (quiet hours only)."""
    if interaction.state not in ACTIVE_STATES:
        return f"{interaction.number} was closed before the message's time.", None
    channel = sms_channel(session, interaction.channel_id)
    if message.from_number not in channel.provider_numbers:
        return (
            f"{display_phone(message.from_number)} is no longer one of the {channel.name} "
            "channel's numbers.",
            None,
        )
    if stopped := refusal_of(session, sender=message.from_number, phone=message.to_number):
        return stopped, None
    judged = judge_quiet(
        session,
        at=utcnow(),
        channel=channel,
        phone=message.to_number,
        person=person_ref(interaction.consumer_id, interaction.contact_id),
    )
    if judged.verdict.allowed:
        return "", None
    return judged.verdict.words, judged.verdict.opens_at


def _fail(
    session: Session, message: Message, interaction: Interaction, token: str, reason: str
) -> None:
    if not _fenced(
        session,
        message,
        token,
        status=MessageStatus.FAILED,
        error_message=f"Not sent: {reason}"[:400],
        **_FREED,
    ):
        return
    record(
        session=session,
        actor=SYSTEM,
        action=AuditAction.MESSAGE_FAILED,
        entity=message,
        detail={"code": None, "reason": reason, "scheduled_for": _iso(message)},
    )
    if message.author_id is not None:
        notify(
            session,
            agent_id=message.author_id,
            text=f"Your scheduled message in {interaction.number} was not sent: {reason}",
            interaction_id=interaction.id,
        )
    _changed(session, message)


_FREED: dict[str, Any] = {"lease_until": None, "lease_token": None, "needs_reconcile": False}


def _fenced(session: Session, message: Message, token: str, **values: Any) -> bool:
    """Writes `values` only while `token` holds the scheduled message (one UPDATE); `message`
    is read again after it."""
    changed = session.execute(
        sa.update(Message)
        .where(
            col(Message.id) == message.id,
            col(Message.lease_token) == token,
            col(Message.status) == MessageStatus.SCHEDULED,
        )
        .values(updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        log.info("scheduled message %s: lease %s was lost, nothing recorded", message.id, token)
        return False
    session.refresh(message)
    return True


def _changed(session: Session, message: Message) -> None:
    events.after_commit(
        session, events.InteractionChanged(message.interaction_id, messages_only=True)
    )


def _iso(message: Message) -> str | None:
    return message.scheduled_for.isoformat() if message.scheduled_for else None
