"""The provider's words, as pure rules: what its status means for a message we send, when to
try again or ask again, which copy in its list is ours, and how long a call to it may take.

Statuses only move forward: callbacks arrive late, twice, or out of order.

Twilio has no idempotency key for message create, so after an uncertain attempt the only way to
avoid a second copy is to recognise the first one in the provider's list by what the app itself
sent: an API create (`outbound-api`) from our number to the recipient, with the same body and
number of media, created no earlier than our own row (minus clock skew), and not already
recorded on another of our messages. When several match, the earliest is the first create.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol, TypeVar

from agent_workspace.domain.error_playbook import not_textable_because

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


def failed_for_good(status: str, error_code: int | None) -> str | None:
    """Why texts to a number will keep failing, after a message ended `status` with
    `error_code`; None when that outcome says nothing about the number."""
    if status not in ("undelivered", "failed"):
        return None
    return not_textable_because(error_code)  # the error playbook's NOT_TEXTABLE codes


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


# Which copy is ours, and a call under a lease.

#: How far the provider's clock may be behind ours (its DateCreated vs our row's created_at).
CLOCK_SKEW = timedelta(minutes=2)
#: The part of a lease kept free after a provider call: time to record the outcome, and skew
#: between the clocks of the hosts that share the outbox.
LEASE_RESERVE = 0.2
MAX_LEASE_RESERVE_SECONDS = 5.0


class Listed(Protocol):
    """What the provider's list says about one message (`ProviderMessage` fits)."""

    @property
    def sid(self) -> str: ...
    @property
    def direction(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def num_media(self) -> int: ...
    @property
    def date_created(self) -> datetime | None: ...
    @property
    def date_sent(self) -> datetime | None: ...


L = TypeVar("L", bound=Listed)


@dataclass(frozen=True)
class Sent:
    """What the app asked the provider to create."""

    body: str
    num_media: int
    created_at: datetime  # our row's creation time: the create cannot be older

    @property
    def cutoff(self) -> datetime:
        """The oldest DateCreated the provider's copy can have, allowing for clock skew."""
        return (self.created_at - CLOCK_SKEW).replace(microsecond=0)


def looked_far_enough(listed: Listed, *, cutoff: datetime) -> bool:
    """True once a list read newest first has gone past anything created at `cutoff` or later.

    Twilio sorts its list on DateSent, newest first, and gives no DateSent to a message that is
    still queued (accepted, scheduled): those are never a reason to stop. A message sent before
    the cutoff was also created before it, and everything after it in the list was sent (or,
    if the list were in creation order, created) earlier still. This holds as long as messages
    without a DateSent do not come after sent ones, which Twilio's ordering does not state.
    """
    return listed.date_sent is not None and listed.date_sent < cutoff.replace(microsecond=0)


def could_be_ours(listed: Listed, sent: Sent) -> bool:
    """Whether this listed message matches what we sent.

    The media count matches, or is still 0 on a copy with media we asked for: the provider may
    count media only once it has fetched them, and a miss here would mean sending twice.
    """
    if listed.direction != "outbound-api" or listed.body != sent.body:
        return False
    if listed.date_created is not None and listed.date_created < sent.cutoff:
        return False
    return listed.num_media == sent.num_media or (sent.num_media > 0 and listed.num_media == 0)


def provider_copy(listed: Iterable[L], sent: Sent, *, taken: Set[str]) -> L | None:
    """The provider's copy of `sent`: the earliest matching message no other row claims."""
    free = [m for m in listed if could_be_ours(m, sent) and m.sid not in taken]
    if not free:
        return None
    return min(free, key=lambda m: (m.date_created is None, m.date_created, m.sid))


def call_budget(lease: timedelta, *, spent: timedelta = timedelta(0)) -> float:
    """Seconds a provider call may take under a lease renewed `spent` ago.

    The call must end before the lease does, or a dispatcher that claims the expired lease
    could send the same message while this call is still in flight.
    """
    reserve = min(lease.total_seconds() * LEASE_RESERVE, MAX_LEASE_RESERVE_SECONDS)
    return max(0.0, (lease - spent).total_seconds() - reserve)
