"""Service-level policies: reply and resolution targets an administrator sets per channel,
optionally per label (domain/sla.py reads them; services/sla/ keeps them)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, utcnow

_NO_LABEL = sa.text("label_id IS NULL")


class SlaPolicy(SQLModel, table=True):
    """Targets, in minutes, for a channel's conversations (or those carrying `label_id`).

    A conversation answers to the first policy in `position` order for its channel and one of
    its labels, else to the channel's policy without a label. One policy per (channel, label)
    and one label-less policy per channel (a partial unique index: NULLs are distinct in a
    plain one). A target of None is not measured.
    """

    __tablename__ = "sla_policy"

    id: int | None = Field(default=None, primary_key=True)
    channel_id: int = Field(foreign_key="channel.id")
    label_id: int | None = Field(default=None, foreign_key="label.id")
    position: int = 0  # the administrator's order, smallest first
    first_response_minutes: int | None = None
    next_response_minutes: int | None = None
    resolution_minutes: int | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("channel_id", "label_id", name="uq_sla_policy_channel_label"),
        sa.Index(
            "uq_sla_policy_channel_default",
            "channel_id",
            unique=True,
            sqlite_where=_NO_LABEL,
            postgresql_where=_NO_LABEL,
        ),
        sa.CheckConstraint(
            "first_response_minutes IS NULL OR first_response_minutes > 0", name="first_positive"
        ),
        sa.CheckConstraint(
            "next_response_minutes IS NULL OR next_response_minutes > 0", name="next_positive"
        ),
        sa.CheckConstraint(
            "resolution_minutes IS NULL OR resolution_minutes > 0", name="resolution_positive"
        ),
    )
