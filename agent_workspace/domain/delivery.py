"""Delivery statuses only move forward: callbacks arrive late, twice, or out of order."""

from datetime import timedelta
from types import MappingProxyType

_RANK = {
    "accepted": 0,
    "scheduled": 0,
    "queued": 0,
    "sending": 1,
    "sent": 2,
    "delivered": 3,
    "undelivered": 3,
    "failed": 3,
    "read": 4,
    "unconfirmed": 3,
    "canceled": 3,
}
# "unconfirmed" is the outbox's own end: it could not tell whether the provider has the message.
# "canceled": the provider canceled it before sending it (a scheduled message canceled).
FINAL = frozenset({"delivered", "undelivered", "failed", "unconfirmed", "canceled"})
#: What a provider may still move: its status is asked for when no final callback came.
SETTLEABLE = frozenset({"queued", "sending", "sent"})
#: After this long a message still "sent" is left so: some carriers never report delivery.
STATUS_CHECKS_END = timedelta(days=3)
MAX_STATUS_CHECK_GAP = timedelta(hours=6)
# Provider statuses the workspace stores as one of its own.
STORED_AS = {"accepted": "queued", "scheduled": "queued", "read": "delivered"}

# Final errors that say the number itself cannot take texts, so sending again will not help:
# Twilio's 30005 (unknown destination: the number does not exist or no longer does), 30006
# (landline, or a carrier that cannot take SMS) and 21614 (refused at create: not a mobile).
FAILED_FOR_GOOD = MappingProxyType(
    {
        30005: "unknown number",
        30006: "landline or unreachable carrier",
        21614: "not a mobile number",
    }
)


def failed_for_good(status: str, error_code: int | None) -> str | None:
    """Why texts to a number will keep failing, after a message ended `status` with
    `error_code`; None when that outcome says nothing about the number."""
    if status not in ("undelivered", "failed") or error_code is None:
        return None
    return FAILED_FOR_GOOD.get(error_code)


def stored_status(provider_status: str) -> str | None:
    """The workspace status for a provider status, or None if it is not an outbound status.

    The one place a provider's word becomes ours: a callback (parse_status), a create's answer
    and a looked-up status are turned into a stored status here, and only `advances` is applied
    to it after that."""
    status = provider_status.strip().lower()
    status = STORED_AS.get(status, status)
    return status if status in _RANK else None


def advances(current: str, new: str) -> bool:
    """True if stored status `new` moves a message at `current` forward (callbacks come late,
    twice or out of order); a final status is never replaced."""
    if current in FINAL or current == new:
        return False
    return _RANK.get(new, -1) > _RANK.get(current, -1)


def retry_delay(attempt: int, *, retry_after: float | None, jitter: float) -> timedelta:
    """Exponential backoff (1 s, 2 s, 4 s ... capped at 5 min) with jitter in [0, 1); a
    provider's Retry-After is a floor."""
    base = min(300.0, 2.0 ** max(0, attempt - 1))
    delay = base * (0.5 + jitter / 2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return timedelta(seconds=delay)


def next_status_check(checks: int, *, first: timedelta) -> timedelta:
    """How long after its `checks`-th look-up a message's status is asked for again: twice
    `first` after the first, twice as long again each time, at most MAX_STATUS_CHECK_GAP (a
    long-code queue can hold a message for hours; a carrier without delivery reports leaves it
    "sent" for good)."""
    doubled: timedelta = first * 2 ** min(checks, 16)
    return min(doubled, MAX_STATUS_CHECK_GAP)
