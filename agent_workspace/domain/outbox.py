"""Pure rules of the outbox: which provider copy is ours, how far back to look for it, and how
long a provider call may take under a lease.

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
