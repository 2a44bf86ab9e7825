"""Inbound webhooks as accepted: stored before the provider gets its answer, routed just after."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, utcnow

PENDING = sa.text("settled_at IS NULL")


class AcceptedWebhook(SQLModel, table=True):
    """A signed inbound SMS webhook, kept as posted: the request writes only this row.

    The router turns it into a message (opt-outs, profile, interaction, events) in arrival order
    per phone, and sets `settled_at` in the same transaction; until then it is pending, and a
    restarted app routes it. The unique MessageSid is what makes a provider's retry a no-op.

    The text as the route checked it (domain/webhooks.py InboundText) is kept beside the form,
    so the router never parses the webhook again; rows accepted before these columns have them
    NULL (`to_number` tells) and are parsed from `fields`.
    """

    __tablename__ = "accepted_webhook"

    id: int | None = Field(default=None, primary_key=True)
    sid: str = Field(max_length=34, sa_column_kwargs={"unique": True}, nullable=False)
    channel_id: int = Field(foreign_key="channel.id")
    from_number: str = Field(max_length=16)
    fields: dict[str, str] = Field(sa_type=sa.JSON, description="every text field as posted")
    to_number: str | None = Field(default=None, max_length=16)
    body: str | None = Field(default=None, sa_type=sa.Text, description="as a message keeps it")
    media: list[list[str]] | None = Field(default=None, sa_type=sa.JSON, description="url, type")
    opt_out_type: str | None = Field(default=None, max_length=20)
    accepted_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    settled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    attempts: int = 0
    error: str | None = Field(default=None, max_length=400, description="why routing failed")

    __table_args__ = (
        # Only pending rows are indexed: the router's scans stay as small as its backlog.
        sa.Index(
            "ix_accepted_webhook_pending", "id", sqlite_where=PENDING, postgresql_where=PENDING
        ),
        sa.Index(
            "ix_accepted_webhook_pending_phone",
            "channel_id",
            "from_number",
            "id",
            sqlite_where=PENDING,
            postgresql_where=PENDING,
        ),
    )
