"""Per-phone serialisation of routing decisions inside a transaction."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session


def lock_phone(session: Session, channel_id: int, phone: str) -> None:
    """Holds a transaction-scoped lock on (channel, phone) so concurrent sends decide in turn.

    PostgreSQL takes an advisory lock; SQLite already serialises writers with BEGIN IMMEDIATE.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
            {"key": f"sms:{channel_id}:{phone}"},
        )
