"""The SMS channel, the provider numbers it sends from, and who each phone number belongs to."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, enum_type, utcnow


class ChannelKind(StrEnum):
    SMS = "sms"


class Channel(SQLModel, table=True):
    """A messaging channel and its attachment policy, which administrators may change."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80, sa_column_kwargs={"unique": True}, nullable=False)
    kind: ChannelKind = Field(default=ChannelKind.SMS, sa_type=enum_type(ChannelKind))
    attachment_types: str = Field(default="image/jpeg,image/png,image/gif", max_length=400)
    attachment_max_bytes: int = 5 * 1024 * 1024
    attachment_max_files: int = 10
    # The installed profile resolver an admin chose; None: AW_PROFILE_RESOLVER.
    profile_resolver: str | None = Field(default=None, max_length=80)
    # Where numbers typed without a country code are read; None: AW_DEFAULT_REGION.
    default_region: str | None = Field(default=None, max_length=2)
    # Who a first text to a consumer says is writing ("" when none is set; Compose checks).
    business_name: str = Field(default="", max_length=80, sa_column_kwargs={"server_default": ""})
    # The Twilio Messaging Service texts go through (MG + 32 hex), or None: from the chosen
    # number. With one, Twilio picks the sender from the service's pool (Message.provider_from).
    messaging_service_sid: str | None = Field(default=None, max_length=34)
    # Quiet hours (domain/quiet_hours.py Policy): texts go only inside this window of the
    # recipient's local time, narrowed by US state rules when on; a reply within
    # `quiet_reply_exempt_hours` of the consumer's last message goes at any hour.
    quiet_hours_enabled: bool = True
    quiet_start_minute: int = 8 * 60  # minutes after local midnight
    quiet_end_minute: int = 21 * 60
    quiet_state_rules: bool = True
    quiet_reply_exempt_hours: int = 24
    # Consent (domain/consent.py stop_for): a STOP to one number stops every number of the
    # channel, and a START to any lifts it; off: Twilio's scope, each number on its own.
    stop_channel_wide: bool = Field(default=True, sa_column_kwargs={"server_default": sa.true()})
    # Automatic assignment (domain/assignment.py): a text that opens an interaction goes to an
    # Available agent with fewer than `assign_capacity` open conversations, round robin; off,
    # it waits with the virtual agent. `assign_cursor` is the agent last given one (ties).
    auto_assign: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    assign_capacity: int = Field(default=5, sa_column_kwargs={"server_default": "5"})
    assign_cursor: int | None = Field(default=None)
    # Business hours (domain/business_hours.py Calendar), kept as the administrator's text
    # (domain/business_hours_text.py): `hours_zone` None means none are set and the desk
    # counts calendar time; `hours_week` is the canonical weekly text, `hours_holidays` one
    # "YYYY-MM-DD name" a line.
    hours_zone: str | None = Field(default=None, max_length=64)
    hours_week: str = Field(default="", max_length=400, sa_column_kwargs={"server_default": ""})
    hours_holidays: str = Field(
        default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""}
    )
    # The auto-reply (domain/after_hours.py): when on, a text that arrives while the business
    # hours are closed gets `after_hours_text` back, once per conversation.
    after_hours_reply: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    after_hours_text: str = Field(
        default="", max_length=640, sa_column_kwargs={"server_default": ""}
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class ProviderNumber(SQLModel, table=True):
    """A From number the channel sends from (E.164), owned by the provider account."""

    __tablename__ = "provider_number"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id", index=True)
    e164: str = Field(max_length=16, sa_column_kwargs={"unique": True}, nullable=False)
    label: str = Field(default="", max_length=80)
    is_active: bool = True


class ChannelUserProfile(SQLModel, table=True):
    """Links a phone on a channel to the consumer or contact it currently belongs to.

    Deactivated profiles stay for history; the database allows one active profile per
    (channel, phone), which is what makes "a different user" decidable.
    """

    __tablename__ = "channel_user_profile"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    phone: str = Field(max_length=16)
    consumer_id: int | None = Field(default=None, foreign_key="consumer.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    deactivated_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    __table_args__ = (
        sa.CheckConstraint("(consumer_id IS NULL) <> (contact_id IS NULL)", name="one_person"),
        sa.Index("ix_profile_channel_phone", "channel_id", "phone"),
        sa.Index(
            "uq_profile_active_channel_phone",
            "channel_id",
            "phone",
            unique=True,
            sqlite_where=sa.text("is_active"),
            postgresql_where=sa.text("is_active"),
        ),
    )
