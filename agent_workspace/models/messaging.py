"""Messages, their attachments, opt-outs, and the audit trail of every state change."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, enum_type, utcnow

STATUS_CHECK_PENDING = sa.text("status_check_due_at IS NOT NULL")
SCHEDULED_ONLY = sa.text("status = 'scheduled'")


class Direction(StrEnum):
    OUTBOUND = "outbound"
    INBOUND = "inbound"
    NOTE = "note"  # an internal note: written in the conversation, never sent


class MessageStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    RECEIVED = "received"
    NOTE = "note"  # internal notes have no delivery
    # The outbox could not tell whether the provider has it (its list was too long to search):
    # never sent again by itself; the agent decides.
    UNCONFIRMED = "unconfirmed"
    # Canceled at the provider before it was sent (Twilio cancels scheduled messages only).
    CANCELED = "canceled"
    # Waiting for `scheduled_for`: the outbox takes it then (after checking it may still go).
    SCHEDULED = "scheduled"


class Message(SQLModel, table=True):
    """One SMS/MMS in an interaction. Outbound rows are stored `queued` before the provider
    sees them; the outbox fields let the dispatcher retry without ever sending twice."""

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    direction: Direction = Field(sa_type=enum_type(Direction))
    body: str = Field(default="", sa_type=sa.Text)
    from_number: str = Field(max_length=16)
    to_number: str = Field(max_length=16)
    status: MessageStatus = Field(sa_type=enum_type(MessageStatus))
    provider_sid: str | None = Field(
        default=None, max_length=64, sa_column_kwargs={"unique": True}, nullable=True
    )
    error_code: int | None = None
    error_message: str | None = Field(default=None, max_length=400)
    author_id: int | None = Field(default=None, foreign_key="app_user.id")
    idempotency_key: str | None = Field(
        default=None, max_length=80, sa_column_kwargs={"unique": True}, nullable=True
    )
    segments: int = 0
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    delivered_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    attempts: int = 0
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    lease_token: str | None = Field(
        default=None, max_length=32, description="the fence: only its holder may act on a claim"
    )
    needs_reconcile: bool = False
    # When to ask the provider for the status of a message it took, should no final status
    # callback have come by then (Twilio sends each callback once: one that came while the
    # app was down is lost); how often it was asked. None once the status is final.
    status_check_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status_checks: int = 0
    # The failed or undelivered message this one sends again (a Retry, or the playbook's one
    # automatic retry); unique, so a message is retried once however many click or work at once.
    retry_of_id: int | None = Field(
        default=None, foreign_key="message.id", unique=True, index=True, nullable=True
    )
    # The Messaging Service it is sent through (the channel's when it was queued): Twilio then
    # picks the sender, and `from_number` is only the number the agent chose.
    messaging_service_sid: str | None = Field(default=None, max_length=34)
    # The From the provider reports it went from (its answer or a status callback): with a
    # Messaging Service, the sender Twilio chose (sticky per recipient, as Twilio decides).
    provider_from: str | None = Field(default=None, max_length=16)
    # When a `scheduled` message is to go (UTC); kept after it went, for the record.
    scheduled_for: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Sent by the workspace itself, not an agent: the channel's after-hours auto-reply
    # (services/inbound/after_hours.py); the transcript names it so.
    auto_reply: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})

    __table_args__ = (
        sa.Index("ix_message_outbox", "status", "next_attempt_at"),
        sa.Index(
            "ix_message_status_check_due",
            "status_check_due_at",
            sqlite_where=STATUS_CHECK_PENDING,
            postgresql_where=STATUS_CHECK_PENDING,
        ),
        sa.Index("ix_message_interaction_order", "interaction_id", "created_at", "id"),
        # Reports read a period's messages by when they were written (services/reports).
        sa.Index("ix_message_created", "created_at"),
        sa.Index(
            "ix_message_scheduled_due",
            "scheduled_for",
            sqlite_where=SCHEDULED_ONLY,
            postgresql_where=SCHEDULED_ONLY,
        ),
    )


class Attachment(SQLModel, table=True):
    """A stored file; its type comes from its bytes, and its checksum proves what was sent."""

    id: int | None = Field(default=None, primary_key=True)
    message_id: int | None = Field(default=None, foreign_key="message.id", index=True)
    filename: str = Field(max_length=120)
    content_type: str = Field(max_length=100)
    size: int
    sha256: str = Field(default="", max_length=64)
    storage_key: str | None = Field(
        default=None,
        max_length=200,
        index=True,  # the file collector asks which stored files rows still refer to
        description="None until fetched",
    )
    provider_media_url: str | None = Field(default=None, max_length=500)
    fetch_attempts: int = 0
    next_fetch_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    fetch_error: str | None = Field(default=None, max_length=300)
    uploaded_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class EarlyStatus(SQLModel, table=True):
    """A status callback for a MessageSid we have not recorded yet (it can beat create()'s reply);
    applied as soon as the dispatcher stores the sid."""

    __tablename__ = "early_status"

    id: int | None = Field(default=None, primary_key=True)
    provider_sid: str = Field(max_length=64, index=True)
    status: MessageStatus = Field(sa_type=enum_type(MessageStatus))
    error_code: int | None = None
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class OptOut(SQLModel, table=True):
    """Whether a phone has opted out of messages from one sender number (Twilio's scope); the
    channel's policy may widen a STOP to all its numbers (domain/consent.py stop_for)."""

    __tablename__ = "opt_out"

    id: int | None = Field(default=None, primary_key=True)
    sender: str = Field(max_length=16)
    phone: str = Field(max_length=16, index=True)
    opted_out: bool = True
    keyword: str = Field(default="", max_length=20)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The agent who opted the phone out at its request (a free-text "please stop texting me");
    # None when the phone or the provider did (a keyword, error 21610).
    changed_by_id: int | None = Field(default=None, foreign_key="app_user.id", nullable=True)
    # Why the latest change was made (domain/consent.py: a keyword, the provider, an agent, an
    # import); "" on rows older than the column.
    why: str = Field(default="", max_length=40, sa_column_kwargs={"server_default": ""})

    __table_args__ = (sa.UniqueConstraint("sender", "phone", name="uq_opt_out_sender_phone"),)


class CannedReply(SQLModel, table=True):
    """A reply template: shared (no owner) or an agent's own; placeholders like {first_name}."""

    __tablename__ = "canned_reply"

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=80)
    body: str = Field(sa_type=sa.Text)
    owner_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditEvent(SQLModel, table=True):
    """Who changed what: a user, the provider, or the system acting on their behalf."""

    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    actor_user_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    actor: str = Field(max_length=40, description="user | provider | system")
    action: str = Field(max_length=60, index=True)
    entity_type: str = Field(max_length=40)
    entity_id: int | None = None
    interaction_id: int | None = Field(default=None, index=True, description="for filtering")
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=sa.JSON)
