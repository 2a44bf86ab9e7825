"""Workspace users, their roles and their sign-in sessions."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from agent_workspace.models.types import UTCDateTime, enum_type, utcnow


class Role(StrEnum):
    AGENT = "agent_workspace_user"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


class User(SQLModel, table=True):
    """A person who signs in to the workspace; an `Agent` is a user with the agent role."""

    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    display_name: str = Field(max_length=120)
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=200)
    is_active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Optional ways to hear about new messages, off until the user turns them on.
    notify_sound: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    notify_desktop: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # What the agent chose in the header: "available", "away" or "offline" (domain/availability.py
    # Presence); only an Available agent with a live session is given conversations.
    presence: str = Field(
        default="offline", max_length=16, sa_column_kwargs={"server_default": "offline"}
    )
    # Whether `presence` "away" was set because they went idle (domain/availability.py
    # when_idle), not chosen: acting again turns only such an Away back to Available.
    presence_auto: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    # When automatic assignment last gave them a conversation (round robin: longest wait first).
    last_assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class UserRole(SQLModel, table=True):
    """One role granted to one user; roles gate pages and every data-touching handler."""

    __tablename__ = "user_role"

    user_id: int = Field(foreign_key="app_user.id", primary_key=True, ondelete="CASCADE")
    role: Role = Field(sa_type=enum_type(Role), primary_key=True)


class AuthSession(SQLModel, table=True):
    """A signed-in browser; only the token's SHA-256 is stored, so a DB leak signs nobody in."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True}, nullable=False)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

    __table_args__ = (sa.Index("ix_auth_session_expires", "expires_at"),)


class LiveView(SQLModel, table=True):
    """A signed-in session that shows a live feed (an interaction, a list, the board).

    Pushes go to each valid session's own copy of the feed, so a tab whose session has ended
    is never sent anything new, whatever its browser still holds.
    """

    __tablename__ = "live_view"

    id: int | None = Field(default=None, primary_key=True)
    feed: str = Field(max_length=40)
    session_id: int = Field(foreign_key="auth_session.id", ondelete="CASCADE")
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("feed", "session_id", name="uq_live_view_feed_session"),
        sa.Index("ix_live_view_session", "session_id"),
    )


class SignInThrottle(SQLModel, table=True):
    """Failed sign-in tries counted under one key (a client address, an account, or an account
    from one address) in a bounded window; at its limit the key is paused until `paused_until`
    (domain/throttle.py). Kept in the database so every worker process counts the same tries;
    a row is deleted once `expires_at` has passed."""

    __tablename__ = "sign_in_throttle"

    key: str = Field(primary_key=True, max_length=100)
    # The account the key concerns, so an administrator's unlock clears all of its keys.
    user_id: int | None = Field(
        default=None, foreign_key="app_user.id", index=True, ondelete="CASCADE"
    )
    failures: int = 0
    window_started_at: datetime = Field(sa_type=UTCDateTime)
    paused_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)
