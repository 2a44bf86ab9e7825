"""Retry: a failed or undelivered message sent again as a new message linked to it.

The new message (`retry_of_id` = the failed one's id) is queued in the outbox like any Send and
gets its own provider sid; the failed one stays as it was, so the conversation shows both and
the link. `message.retry_of_id` is unique: a double click, two tabs, two workers, or the agent
racing the playbook's automatic retry all end with one retry, and each of them is answered with
it. The agent's Retry passes the checks Send passes: the access rule on the interaction (VIEW,
as Send) and the opt-out refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import (
    Attachment,
    Channel,
    Direction,
    Interaction,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction, require_active
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.interactions.lifecycle import note_last_message, note_response
from agent_workspace.services.outbox.wakeups import announce
from agent_workspace.services.people.ledger import refusal_of
from agent_workspace.services.sla.clocks import keep_due

RETRYABLE = frozenset({MessageStatus.FAILED, MessageStatus.UNDELIVERED})
NO_SUCH_MESSAGE = "That message does not exist."


@dataclass(frozen=True)
class RetryResult:
    """The retry's message id, and whether this call queued it (False: one already was)."""

    message_id: int
    queued: bool


def retry_message(
    *, actor: Actor | None, message_id: int, engine: Engine | None = None
) -> RetryResult:
    """The agent's Retry: a new message with the failed one's text and files, queued now.

    A retry that already exists is the answer (once more on the unique link's IntegrityError:
    a concurrent Retry committed first); one the playbook scheduled for later is made due now.
    """
    try:
        with transaction(engine) as session:
            failed = _failed(session, message_id)
            checked, interaction = access_interaction(session, actor, failed.interaction_id)
            if (earlier := _retry_of(session, failed)) is not None:
                _due_now(session, earlier)
                return RetryResult(earlier, queued=False)
            require_active(interaction, "{number} is closed: start a new message instead.")
            if failed.status not in RETRYABLE:
                raise InvalidInput("Only a failed or undelivered message can be retried.")
            if stopped := refusal_of(session, sender=failed.from_number, phone=failed.to_number):
                raise InvalidInput(stopped)
            if interaction.channel_id is not None:
                lock_phone(session, interaction.channel_id, failed.to_number)
            retry = queue_retry(session, failed, author_id=checked.user_id, actor=checked)
            assert retry.id is not None
            return RetryResult(retry.id, queued=True)
    except sa.exc.IntegrityError:
        with transaction(engine) as session:
            if (earlier := _retry_of(session, _failed(session, message_id))) is not None:
                return RetryResult(earlier, queued=False)
        raise


def queue_retry(
    session: Session,
    failed: Message,
    *,
    author_id: int | None,
    actor: Actor | str,
    after: timedelta = timedelta(0),
    waiting: str | None = None,
) -> Message:
    """Queues `failed` again as a new linked message (due `after` from now), in the caller's
    transaction; `waiting` is what its bubble says until it goes."""
    now = utcnow()
    retry = Message(
        interaction_id=failed.interaction_id,
        direction=Direction.OUTBOUND,
        body=failed.body,
        from_number=failed.from_number,
        to_number=failed.to_number,
        # The channel's Messaging Service now: an admin may have set one since.
        messaging_service_sid=_messaging_service(session, failed.interaction_id),
        status=MessageStatus.QUEUED,
        author_id=author_id,
        segments=failed.segments,
        retry_of_id=failed.id,
        next_attempt_at=now + after if after else None,
        error_message=waiting,
    )
    session.add(retry)
    session.flush()  # the unique link: a concurrent retry fails here, before anything else
    note_response(session, retry.interaction_id, at=retry.created_at)  # the Reports page's facts
    files = session.exec(select(Attachment).where(Attachment.message_id == failed.id)).all()
    for file in files:  # the same stored bytes: the collector keeps them while a row refers
        session.add(
            Attachment(
                message_id=retry.id,
                filename=file.filename,
                content_type=file.content_type,
                size=file.size,
                sha256=file.sha256,
                storage_key=file.storage_key,
                uploaded_by_id=file.uploaded_by_id,
            )
        )
    interaction = session.get(Interaction, failed.interaction_id)
    if interaction is not None:
        note_last_message(
            interaction, body=retry.body, attachments=len(files), inbound=False, at=now
        )
        session.add(interaction)
        if author_id is not None:  # an agent's reply on its way again
            keep_due(session, [failed.interaction_id], now)
    record(
        session=session,
        actor=actor,
        action=AuditAction.MESSAGE_RETRIED,
        entity=retry,
        detail={"retry_of": failed.id, "in_seconds": after.total_seconds()},
    )
    watchers = {actor.user_id} if isinstance(actor, Actor) else set()
    if interaction is not None and interaction.assigned_agent_id is not None:
        watchers.add(interaction.assigned_agent_id)
    events.after_commit(
        session, events.InteractionChanged(failed.interaction_id, frozenset(watchers))
    )
    announce(session)
    return retry


def _failed(session: Session, message_id: int) -> Message:
    message = session.get(Message, message_id) if is_row_id(message_id) else None
    if message is None or message.direction is not Direction.OUTBOUND:
        raise NotFound(NO_SUCH_MESSAGE)
    return message


def _retry_of(session: Session, failed: Message) -> int | None:
    return session.exec(select(Message.id).where(Message.retry_of_id == failed.id)).first()


def _due_now(session: Session, retry_id: int) -> None:
    """A retry waiting for its time (the playbook's) goes now; one already sent is left."""
    session.execute(
        sa.update(Message)
        .where(
            Message.id == retry_id,  # type: ignore[arg-type]
            Message.status == MessageStatus.QUEUED,  # type: ignore[arg-type]
            Message.provider_sid.is_(None),  # type: ignore[union-attr]
            Message.lease_token.is_(None),  # type: ignore[union-attr]
            Message.next_attempt_at.is_not(None),  # type: ignore[union-attr]
        )
        .values(next_attempt_at=None, error_message=None)
        .execution_options(synchronize_session=False)
    )
    announce(session)


def _messaging_service(session: Session, interaction_id: int) -> str | None:
    """The Messaging Service of the interaction's channel, if it sends through one."""
    return session.exec(
        select(Channel.messaging_service_sid)
        .join(Interaction, col(Interaction.channel_id) == Channel.id)
        .where(Interaction.id == interaction_id)
    ).first()
