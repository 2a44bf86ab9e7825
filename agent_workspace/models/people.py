"""The people agents talk to: consumers, and contacts at customer accounts, with their numbers."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, enum_type, utcnow


class PhoneKind(StrEnum):
    MOBILE = "mobile"
    HOME = "home"
    WORK = "work"
    OTHER = "other"


class Account(SQLModel, table=True):
    """A customer company whose contacts get service."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=160)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Consumer(SQLModel, table=True):
    """A private person served directly (B2C)."""

    id: int | None = Field(default=None, primary_key=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str | None = Field(default=None, max_length=254)
    country: str | None = Field(default=None, max_length=2, description="ISO region for parsing")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Contact(SQLModel, table=True):
    """A person at a customer `Account` (B2B)."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    first_name: str = Field(max_length=80)
    last_name: str = Field(max_length=80)
    email: str | None = Field(default=None, max_length=254)
    country: str | None = Field(default=None, max_length=2)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class PersonPhone(SQLModel, table=True):
    """A phone number of exactly one consumer or contact, stored in E.164."""

    __tablename__ = "person_phone"

    id: int | None = Field(default=None, primary_key=True)
    consumer_id: int | None = Field(default=None, foreign_key="consumer.id", index=True)
    contact_id: int | None = Field(default=None, foreign_key="contact.id", index=True)
    e164: str = Field(max_length=16, index=True)
    kind: PhoneKind = Field(default=PhoneKind.MOBILE, sa_type=enum_type(PhoneKind))
    is_primary: bool = False

    __table_args__ = (
        sa.CheckConstraint("(consumer_id IS NULL) <> (contact_id IS NULL)", name="one_owner"),
    )
