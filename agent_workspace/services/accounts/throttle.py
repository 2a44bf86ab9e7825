"""Sign-in tallies kept in the database, so every worker process counts the same tries.

The rules (keys, limits, windows) are domain/throttle.py; this module stores them. Each key is
taken under an advisory lock (in name order, so two tries never deadlock) and its row under a
row lock; rows whose window and pause are over are deleted a few at a time by later tries,
skipping rows another try holds.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlmodel import Session, col, delete, select

from agent_workspace.db.locks import advisory_lock
from agent_workspace.domain.throttle import (
    Key,
    Tally,
    expires_at,
    forgiven,
    is_paused,
    throttle_keys,
    with_failure,
)
from agent_workspace.models import SignInThrottle

PRUNED_PER_TRY = 100


def reserve(session: Session, *, user_id: int | None, client: str, now: datetime) -> bool:
    """Counts one try against each of its keys; False, counting nothing, while any is paused."""
    keys = throttle_keys(user_id, client)
    rows = _locked(session, keys, now)
    _prune(session, now, keep=[k.name for k in keys])
    if any(is_paused(_tally(rows[k.name]), now) for k in keys):
        return False
    for key in keys:
        _store(session, rows[key.name], key, with_failure(_tally(rows[key.name]), key.limit, now))
    return True


def forgive(session: Session, *, user_id: int, client: str, now: datetime) -> None:
    """The try reserved last proved right: it is taken back from the account's and the
    address's tallies, and the owner's own address starts afresh for the account."""
    keys = throttle_keys(user_id, client)
    rows = _locked(session, keys, now)
    for key in keys:
        if key.cleared_by_success:
            session.execute(delete(SignInThrottle).where(col(SignInThrottle.key) == key.name))
        else:
            _store(session, rows[key.name], key, forgiven(_tally(rows[key.name])))


def clear_account(session: Session, user_id: int, now: datetime) -> bool:
    """Lifts every pause and count of the account (from every address); whether one was paused."""
    rows = session.exec(
        select(SignInThrottle).where(SignInThrottle.user_id == user_id).with_for_update()
    ).all()
    for row in rows:
        session.delete(row)
    return any(is_paused(_tally(row), now) for row in rows)


def paused_accounts(session: Session, user_ids: Iterable[int], now: datetime) -> set[int]:
    """Which of the accounts are paused right now, from anywhere (for the admin's list)."""
    found = session.exec(
        select(SignInThrottle.user_id).where(
            col(SignInThrottle.user_id).in_(list(user_ids)),
            col(SignInThrottle.paused_until) > now,
        )
    ).all()
    return {user_id for user_id in found if user_id is not None}


def _locked(session: Session, keys: tuple[Key, ...], now: datetime) -> dict[str, SignInThrottle]:
    """The keys' rows, locked for this transaction; a key without one gets a fresh row."""
    names = [k.name for k in keys]
    for name in names:  # sorted: every try takes them in the same order
        advisory_lock(session, f"sign-in:{name}")
    rows = {
        row.key: row
        for row in session.exec(
            select(SignInThrottle).where(col(SignInThrottle.key).in_(names)).with_for_update()
        ).all()
    }
    for key in keys:
        if key.name not in rows:
            rows[key.name] = SignInThrottle(
                key=key.name, user_id=key.user_id, window_started_at=now, expires_at=now
            )
    return rows


def _prune(session: Session, now: datetime, *, keep: list[str]) -> None:
    stale = session.exec(
        select(SignInThrottle.key)
        .where(col(SignInThrottle.expires_at) < now, col(SignInThrottle.key).not_in(keep))
        .limit(PRUNED_PER_TRY)
        .with_for_update(skip_locked=True)
    ).all()
    if stale:
        session.execute(delete(SignInThrottle).where(col(SignInThrottle.key).in_(stale)))


def _tally(row: SignInThrottle) -> Tally:
    return Tally(row.failures, row.window_started_at, row.paused_until)


def _store(session: Session, row: SignInThrottle, key: Key, tally: Tally) -> None:
    row.failures, row.window_started_at = tally.failures, tally.window_started_at
    row.paused_until, row.expires_at = tally.paused_until, expires_at(tally, key.limit)
    session.add(row)
