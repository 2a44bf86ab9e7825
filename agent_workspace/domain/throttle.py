"""Sign-in throttling: failed tries counted per account, per client address, and per account
from one address, each in a bounded window.

Counting per account alone let anyone pause anyone's sign-in (an administrator's too) with a
few wrong guesses. So the tight limit is on one account *from one address*: the guesser pauses
only themself, the owner signs in from elsewhere. One address guessing many accounts is
stopped by the address limit; many addresses guessing one account by the account limit, which
one address cannot reach alone. Every pause ends with its window, and an administrator's unlock
clears an account's pauses at once; an address pause (a whole office behind one NAT) only ends.

A try is counted before the password is checked (parallel guesses cannot slip past), and
forgiven when the password proves right.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class Limit:
    """At most `failures` failed tries per `window`; reaching it pauses sign-in for a window."""

    failures: int
    window: timedelta = WINDOW


ACCOUNT_FROM_ADDRESS = Limit(5)
ADDRESS = Limit(100)  # a shared NAT's typos stay far below it; a spray across accounts does not
ACCOUNT = Limit(50)  # needs 10 addresses (or IPv6 /64s) at 5 each


@dataclass(frozen=True)
class Tally:
    """The failed tries counted under one key in its current window."""

    failures: int
    window_started_at: datetime
    paused_until: datetime | None = None


@dataclass(frozen=True)
class Key:
    """One thing a try is counted against, and its limit."""

    name: str
    limit: Limit
    user_id: int | None = None  # the account it concerns: an unlock of that account clears it
    cleared_by_success: bool = False  # the owner proved themself from this address


def throttle_keys(user_id: int | None, client: str) -> tuple[Key, ...]:
    """Every key one try counts against, sorted by name (the order their locks are taken in):
    the address always (unknown usernames too), the account and the account from this address
    when the username exists."""
    keys = [Key(f"address:{client}", ADDRESS)]
    if user_id is not None:
        keys.append(Key(f"account:{user_id}", ACCOUNT, user_id))
        keys.append(Key(f"account:{user_id}@{client}", ACCOUNT_FROM_ADDRESS, user_id, True))
    return tuple(sorted(keys, key=lambda k: k.name))


def is_paused(tally: Tally, now: datetime) -> bool:
    return tally.paused_until is not None and tally.paused_until > now


def with_failure(tally: Tally, limit: Limit, now: datetime) -> Tally:
    """The tally after one more failed try: a window that has ended starts over, and reaching
    the limit pauses the key for a window from now."""
    if tally.window_started_at <= now - limit.window:
        tally = Tally(0, now)
    failures = tally.failures + 1
    paused = now + limit.window if failures >= limit.failures else tally.paused_until
    return Tally(failures, tally.window_started_at, paused)


def forgiven(tally: Tally) -> Tally:
    """The tally once the try counted last proved right: it was no failure. A pause it set is
    lifted (any older pause had ended, or the try would have been refused uncounted)."""
    return replace(tally, failures=max(tally.failures - 1, 0), paused_until=None)


def expires_at(tally: Tally, limit: Limit) -> datetime:
    """When the tally no longer matters and may be deleted."""
    ends = tally.window_started_at + limit.window
    return max(ends, tally.paused_until) if tally.paused_until else ends
