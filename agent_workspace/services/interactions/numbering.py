"""Human-readable numbers (IMS0001001, CS0001001) from counters that are safe under concurrency."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from agent_workspace.models import Counter

FIRST_VALUE = 1001
PREFIXES = {"interaction": "IMS", "case": "CS"}
_BUMP = sa.text("UPDATE counter SET value = value + 1 WHERE name = :name RETURNING value")


def next_number(session: Session, counter: str) -> str:
    """Increments the named counter in the caller's transaction; the row lock serialises writers."""
    value = session.execute(_BUMP, {"name": counter}).scalar()
    if value is None:
        insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(
            insert(Counter).values(name=counter, value=FIRST_VALUE - 1).on_conflict_do_nothing()
        )
        value = session.execute(_BUMP, {"name": counter}).scalar_one()
    return f"{PREFIXES[counter]}{value:07d}"
