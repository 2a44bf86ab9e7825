"""Transaction-scoped locks that serialise decisions on one thing across processes."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlmodel import Session


def advisory_lock(session: Session, key: str) -> None:
    """Holds a lock named `key` until the transaction ends.

    PostgreSQL takes an advisory lock; SQLite already serialises writers with BEGIN IMMEDIATE.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )


def lock_phone(session: Session, channel_id: int, phone: str) -> None:
    """Which interaction is active for (channel, phone) is decided by one transaction at a time."""
    advisory_lock(session, f"sms:{channel_id}:{phone}")


def lock_sid(session: Session, sid: str) -> None:
    """A provider message id is recorded or updated by one transaction at a time.

    Without it (PostgreSQL, read committed) a status callback can miss the sid that an accept
    has written but not yet committed, and its early-status row is written after the accept
    looked for early rows: the status would be lost.
    """
    advisory_lock(session, f"sms-sid:{sid}")


def lock_sids(session: Session, sids: list[str]) -> None:
    """`lock_sid` for many sids in one statement (see `advisory_locks`)."""
    advisory_locks(session, [f"sms-sid:{sid}" for sid in sids])


def lock_files(session: Session, keys: Iterable[str]) -> None:
    """Whoever is about to write a reference to stored bytes, or to delete them, holds their
    key until the transaction ends: the collector never deletes bytes a transaction is about
    to refer to, and a writer never relies on bytes the collector is deleting."""
    advisory_locks(session, [f"file:{key}" for key in keys])


def advisory_locks(session: Session, keys: Iterable[str]) -> None:
    """`advisory_lock` for many keys in one statement, always in the same (sorted) order, so
    two transactions locking overlapping sets cannot deadlock."""
    ordered = sorted(set(keys))
    if not ordered or session.get_bind().dialect.name != "postgresql":
        return
    session.execute(
        sa.text(
            "SELECT pg_advisory_xact_lock(hashtextextended(key, 0)) FROM ("
            " SELECT key FROM unnest(CAST(:keys AS text[])) WITH ORDINALITY AS t(key, n)"
            " ORDER BY n) AS ordered"
        ),
        {"keys": ordered},
    )


def lock_assignment(session: Session, channel_id: int) -> None:
    """Who takes the channel's next conversation is decided by one transaction at a time: the
    candidates' loads and the round-robin cursor are read after it, so two routers (or a router
    and an agent turning Available) never hand out the same turn or overfill an agent.

    Taken after a phone's lock (routing a text), never before one: the queue's hand-out takes
    only this lock and fences each interaction in its UPDATE instead."""
    advisory_lock(session, f"assign:{channel_id}")
