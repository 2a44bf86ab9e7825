"""Labels: names in a colour an administrator defines, and which interactions carry them."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, utcnow


class Label(SQLModel, table=True):
    """A label agents put on interactions ("VIP", "Billing"), shown as a badge in its colour.

    `name_key` is the name case-folded (domain/labels.name_key): unique, so "VIP" and "vip"
    cannot both exist, on SQLite and PostgreSQL alike."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    name_key: str = Field(max_length=160, sa_column_kwargs={"unique": True}, nullable=False)
    colour: str = Field(max_length=20)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InteractionLabel(SQLModel, table=True):
    """A label on an interaction: who put it there and when (once per pair)."""

    __tablename__ = "interaction_label"

    interaction_id: int = Field(foreign_key="interaction.id", primary_key=True)
    label_id: int = Field(foreign_key="label.id", primary_key=True)
    added_by_id: int | None = Field(default=None, foreign_key="app_user.id")
    added_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    # The list filter reads by label: (label, interaction) is its index range.
    __table_args__ = (sa.Index("ix_interaction_label_label", "label_id", "interaction_id"),)
