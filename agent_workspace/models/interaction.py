"""Interactions (the unit of agent work), their live groups, linked cases and number sequences."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, enum_type, utcnow


class InteractionType(StrEnum):
    MESSAGING = "messaging"
    PHONE = "phone"
    CHAT = "chat"
    EMAIL = "email"


class InteractionState(StrEnum):
    NEW = "new"
    WORK_IN_PROGRESS = "work_in_progress"
    ON_HOLD = "on_hold"
    CLOSED_COMPLETE = "closed_complete"
    CLOSED_ABANDONED = "closed_abandoned"


ACTIVE_STATES = frozenset(
    {InteractionState.NEW, InteractionState.WORK_IN_PROGRESS, InteractionState.ON_HOLD}
)
_ACTIVE_SQL = "state IN ('new', 'work_in_progress', 'on_hold') AND type = 'messaging'"


class Counter(SQLModel, table=True):
    """Named sequences for human-readable numbers; incremented with UPDATE ... RETURNING."""

    name: str = Field(primary_key=True, max_length=40)
    value: int = 0


class CustomerCase(SQLModel, table=True):
    """A customer-service case an interaction can be linked to."""

    __tablename__ = "customer_case"

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, sa_column_kwargs={"unique": True}, nullable=False)
    short_description: str = Field(max_length=200)
    consumer_id: int | None = Field(default=None, foreign_key="consumer.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Interaction(SQLModel, table=True):
    """One conversation an agent (or the virtual agent) handles, e.g. IMS0001001.

    `phone` is the consumer-side number on `channel_id`; the database allows one active
    messaging interaction per (channel, phone), so concurrent sends cannot open two.
    """

    id: int | None = Field(default=None, primary_key=True)
    number: str = Field(max_length=20, sa_column_kwargs={"unique": True}, nullable=False)
    type: InteractionType = Field(sa_type=enum_type(InteractionType))
    state: InteractionState = Field(
        default=InteractionState.NEW, sa_type=enum_type(InteractionState)
    )
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    phone: str | None = Field(default=None, max_length=16)
    profile_id: int | None = Field(default=None, foreign_key="channel_user_profile.id")
    consumer_id: int | None = Field(default=None, foreign_key="consumer.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    assigned_agent_id: int | None = Field(default=None, foreign_key="app_user.id", index=True)
    virtual_agent: bool = False
    case_id: int | None = Field(default=None, foreign_key="customer_case.id")
    short_description: str = Field(default="", max_length=200)
    opened_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The last SLA breach notified (domain/sla.Clock.breach_key): the alarm notifies those
    # after it, claiming each with a conditional UPDATE (services/interactions/sla_alarm.py).
    sla_breach_key: str | None = Field(default=None, max_length=40)
    # The nearest running SLA clock's due moment and the moment after which it reads amber,
    # and the next turn the alarm tells (domain/sla.Due), kept by services/sla/clocks.py ->
    # keep_due with every change its clocks depend on: "due soon" and "overdue" are index reads.
    sla_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sla_amber_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sla_alarm_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The interaction this one took over from (workflow 3 or 4): its messages are shown above.
    previous_interaction_id: int | None = Field(default=None, foreign_key="interaction.id")
    # The list row, kept with each message so lists never read the message table.
    last_message_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    last_message_preview: str = Field(
        default="", max_length=200, sa_column_kwargs={"server_default": ""}
    )
    last_message_inbound: bool = Field(
        default=False, sa_column_kwargs={"server_default": sa.false()}
    )
    # Since when the consumer has waited for an answer (their first unanswered text).
    awaiting_reply_since: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Snoozed (domain/snooze.py): out of My Interactions since `snoozed_at`, by `snoozed_by_id`,
    # until `snoozed_until` (None: only a reply wakes it) or the consumer's reply.
    snoozed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    snoozed_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    # When the channel's after-hours auto-reply was queued to this conversation (once each;
    # services/inbound/after_hours.py claims it with a conditional UPDATE).
    after_hours_replied_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # The Reports page's facts, kept with each message stored (services/interactions/
    # lifecycle.py note_inbound_message, note_response) so a period's first responses are an
    # index range:
    # the consumer's first text, and the first outbound message written after it that is not
    # the after-hours auto-reply. Resolution is `closed_at` (nothing reopens a conversation).
    first_inbound_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint(
            "NOT (consumer_id IS NOT NULL AND contact_id IS NOT NULL)",
            name="one_person",
        ),
        sa.CheckConstraint(
            "NOT (virtual_agent AND assigned_agent_id IS NOT NULL)",
            name="one_assignee",
        ),
        sa.Index("ix_interaction_channel_phone", "channel_id", "phone"),
        sa.Index("ix_interaction_state_updated", "state", "updated_at", "id"),
        sa.Index("ix_interaction_assignee_updated", "assigned_agent_id", "updated_at", "id"),
        # One per list sort, so a first page is an index range read, not a sort of every row.
        sa.Index("ix_interaction_updated", "updated_at", "id"),
        sa.Index("ix_interaction_opened", "opened_at", "id"),
        sa.Index("ix_interaction_waiting", "awaiting_reply_since", "id"),
        sa.Index("ix_interaction_snoozed_until", "snoozed_until"),  # the alarm's due rows
        # Reports: a period's first responses and closed conversations (services/reports).
        sa.Index("ix_interaction_first_response", "first_response_at"),
        sa.Index("ix_interaction_closed", "closed_at"),
        sa.Index("ix_interaction_sla_amber", "sla_amber_at"),  # the board's due soon, overdue
        sa.Index("ix_interaction_sla_alarm", "sla_alarm_at"),  # the SLA alarm's turns
        sa.Index(
            "uq_interaction_active_channel_phone",
            "channel_id",
            "phone",
            unique=True,
            sqlite_where=sa.text(_ACTIVE_SQL),
            postgresql_where=sa.text(_ACTIVE_SQL),
        ),
    )


class LiveGroupReason(StrEnum):
    """Why someone joined or left a live group (its history says so)."""

    ASSIGNED = "assigned"
    SENT = "sent"
    JOINED = "joined"
    LEFT = "left"
    TOOK_OVER = "took_over"
    REASSIGNED = "reassigned"
    PICKED_UP = "picked_up"
    TRANSFERRED = "transferred"
    CLOSED = "closed"


class LiveGroupMember(SQLModel, table=True):
    """An agent taking part in an interaction (the live group profile); the assignee always is."""

    __tablename__ = "live_group_member"

    id: int | None = Field(default=None, primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", index=True)
    agent_id: int = Field(foreign_key="app_user.id", index=True)
    joined_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    left_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    join_reason: LiveGroupReason = Field(
        default=LiveGroupReason.JOINED,
        sa_type=enum_type(LiveGroupReason),
        sa_column_kwargs={"server_default": "joined"},
    )
    left_reason: LiveGroupReason | None = Field(default=None, sa_type=enum_type(LiveGroupReason))

    __table_args__ = (
        sa.Index(
            "uq_live_group_current_member",
            "interaction_id",
            "agent_id",
            unique=True,
            sqlite_where=sa.text("left_at IS NULL"),
            postgresql_where=sa.text("left_at IS NULL"),
        ),
    )


class InteractionView(SQLModel, table=True):
    """How far an agent has read an interaction: inbound messages after it are unread."""

    __tablename__ = "interaction_view"

    agent_id: int = Field(foreign_key="app_user.id", primary_key=True)
    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True)
    last_seen_message_id: int = 0
    seen_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Notice(SQLModel, table=True):
    """Something an agent must hear about their work that someone else did (closed, took over,
    reassigned); shown live and kept until read."""

    id: int | None = Field(default=None, primary_key=True)
    agent_id: int = Field(foreign_key="app_user.id", index=True)
    text: str = Field(max_length=400)
    interaction_id: int | None = Field(default=None, foreign_key="interaction.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    read_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
