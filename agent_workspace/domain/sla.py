"""Service levels: the clocks of one conversation against its policy's targets.

A policy (per channel, optionally per label: policy_for) sets up to three targets:
- first response: from the consumer's first message to the first agent reply after it;
- next response: from each later consumer message that follows an agent reply (the first of
  a run: the consumer waits since then) to the next agent reply;
- resolution: from the conversation's opening to its resolution.

Targets count business time when the policy has a calendar (domain/business_hours.py): a
consumer's message outside hours starts its clock at the next opening. Without a calendar they
count calendar time. Resolving a conversation stops every running clock, as solving a ticket
fulfils its reply targets in Zendesk; messages after the resolution are not counted.

A running clock reads OK, AMBER when less than `amber_fraction` of its target is left, and RED
once past due. A breach is notified once: breach keys sort in the order breaches happen (by
due moment), so the service keeps the greatest key it notified and asks for those after it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from agent_workspace.domain.business_hours import (
    Calendar,
    add_business_time,
    business_elapsed,
    next_open,
)


class Target(StrEnum):
    """What a clock measures."""

    FIRST_RESPONSE = "first_response"
    NEXT_RESPONSE = "next_response"
    RESOLUTION = "resolution"


class Status(StrEnum):
    """How a running clock reads: in time, running out, or past due."""

    OK = "ok"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True)
class Policy:
    """Targets for one channel (and optionally label); None: no target of that kind.

    Attributes:
        calendar: Business hours to count in; None counts calendar time.
        amber_fraction: A running clock turns amber with less than this share of its target
            left (0.25: the last quarter).
    """

    first_response: timedelta | None = None
    next_response: timedelta | None = None
    resolution: timedelta | None = None
    calendar: Calendar | None = None
    amber_fraction: float = 0.25

    def __post_init__(self) -> None:
        for target in (self.first_response, self.next_response, self.resolution):
            if target is not None and target <= timedelta(0):
                raise ValueError("an SLA target is a positive duration")
        if not 0 <= self.amber_fraction < 1:
            raise ValueError("the amber share is at least 0 and less than 1")

    def target(self, kind: Target) -> timedelta | None:
        return {
            Target.FIRST_RESPONSE: self.first_response,
            Target.NEXT_RESPONSE: self.next_response,
            Target.RESOLUTION: self.resolution,
        }[kind]

    def starts(self, moment: datetime) -> datetime:
        """When a clock set at `moment` starts counting: the next opening, in business time."""
        return next_open(self.calendar, moment) if self.calendar else moment.astimezone(UTC)

    def due(self, start: datetime, target: timedelta) -> datetime:
        if self.calendar is None:
            return start.astimezone(UTC) + target
        return add_business_time(self.calendar, start, target)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Time counted from `start` to `end`, negative when `end` comes first."""
        if end < start:
            return -self.between(end, start)
        if self.calendar is None:
            return end - start
        return business_elapsed(self.calendar, start, end)


@dataclass(frozen=True)
class Rule:
    """A policy as the administrator sets it: for a channel, and optionally one label."""

    channel_id: int
    policy: Policy
    label: str | None = None


def policy_for(rules: Iterable[Rule], *, channel_id: int, labels: Iterable[str]) -> Policy | None:
    """The policy a conversation answers to: the first rule (in the administrator's order) for
    its channel and one of its labels, else the channel's rule without a label, else None."""
    carried = set(labels)
    own = [rule for rule in rules if rule.channel_id == channel_id]
    for rule in own:
        if rule.label is not None and rule.label in carried:
            return rule.policy
    return next((rule.policy for rule in own if rule.label is None), None)


@dataclass(frozen=True)
class Facts:
    """What the conversation did, as timezone-aware moments (any order)."""

    opened_at: datetime
    consumer_messages: tuple[datetime, ...] = ()
    agent_replies: tuple[datetime, ...] = ()
    resolved_at: datetime | None = None

    def __post_init__(self) -> None:
        moments = (self.opened_at, *self.consumer_messages, *self.agent_replies, self.resolved_at)
        if any(at is not None and at.tzinfo is None for at in moments):
            raise ValueError("a naive datetime has no moment to measure")


@dataclass(frozen=True)
class Clock:
    """One measured wait: set at `set_at`, counting from `started_at`, due at `due_at`.

    `stopped_at` is the reply or resolution that ended it; None while it runs.
    """

    target: Target
    set_at: datetime
    started_at: datetime
    due_at: datetime
    stopped_at: datetime | None

    @property
    def met(self) -> bool | None:
        """Whether it stopped in time; None while running."""
        return None if self.stopped_at is None else self.stopped_at <= self.due_at

    @property
    def breach_key(self) -> str:
        """Sorts by due moment, then target: the order breaches happen in."""
        return f"{self.due_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}/{self.target.value}"


def clocks(policy: Policy, facts: Facts) -> tuple[Clock, ...]:
    """Every clock of the conversation, in the order they were set."""
    end = facts.resolved_at
    found = [
        _clock(policy, kind, set_at, stop)
        for kind, set_at, stop in _waits(facts)
        if policy.target(kind) is not None
    ]
    if policy.resolution is not None:
        found.append(_clock(policy, Target.RESOLUTION, facts.opened_at, end))
    return tuple(sorted(found, key=lambda clock: (clock.set_at, clock.target != Target.RESOLUTION)))


def _clock(policy: Policy, kind: Target, set_at: datetime, stop: datetime | None) -> Clock:
    target = policy.target(kind)
    assert target is not None
    start = policy.starts(set_at)
    return Clock(kind, set_at.astimezone(UTC), start, policy.due(start, target), stop)


def _waits(facts: Facts) -> list[tuple[Target, datetime, datetime | None]]:
    """(kind, set at, stopped at) for each run of consumer messages awaiting a reply."""
    end = facts.resolved_at
    inbound = sorted(at for at in facts.consumer_messages if end is None or at <= end)
    replies = sorted(facts.agent_replies)
    waits: list[tuple[Target, datetime, datetime | None]] = []
    answered_until: datetime | None = None  # the reply that answered the last wait
    for message in inbound:
        if waits and (answered_until is None or message <= answered_until):
            continue  # still waiting, or already answered: part of the same run
        reply = next((at for at in replies if at > message), None)
        stop = min((at for at in (reply, end) if at is not None), default=None)
        kind = Target.NEXT_RESPONSE if waits else Target.FIRST_RESPONSE
        waits.append((kind, message, stop))
        answered_until = stop
    return waits


@dataclass(frozen=True)
class Reading:
    """A running clock as the list and the conversation show it.

    Attributes:
        left: Time left (business time under a calendar); negative once overdue.
    """

    clock: Clock
    left: timedelta
    status: Status


def readings(policy: Policy, facts: Facts, now: datetime) -> tuple[Reading, ...]:
    """The running clocks at `now`, nearest due first."""
    running = [clock for clock in clocks(policy, facts) if clock.stopped_at is None]
    found = [read_clock(policy, clock, now) for clock in running]
    return tuple(sorted(found, key=lambda reading: reading.clock.breach_key))


def read_clock(policy: Policy, clock: Clock, now: datetime) -> Reading:
    """One running clock read at `now`: a page keeps the policy and its nearest clock and
    reads them again as time passes, with no new facts."""
    target = policy.target(clock.target)
    assert target is not None
    left = policy.between(max(now, clock.started_at), clock.due_at)
    if now > clock.due_at:
        status = Status.RED
    elif left < target * policy.amber_fraction:
        status = Status.AMBER
    else:
        status = Status.OK
    return Reading(clock, left, status)


def amber_from(policy: Policy, clock: Clock) -> datetime:
    """The moment after which `read_clock` says AMBER (or RED): the clock reads OK at this
    moment and before it, so a store can keep it and count "due soon" without a calendar walk.
    Under a calendar the last of the target can start at a closing time: the clock turns amber
    only when counting resumes (the next opening). Never later than the due moment."""
    target = policy.target(clock.target)
    assert target is not None
    at = policy.due(clock.started_at, target - target * policy.amber_fraction)
    if policy.calendar is not None:
        at = next_open(policy.calendar, at)
    return min(at, clock.due_at)


@dataclass(frozen=True)
class Due:
    """What a store keeps of a conversation's clocks, so lists, the board and the alarm read
    instants instead of working clocks out (services/sla/clocks.py -> keep_due).

    Attributes:
        due_at: The nearest running clock's due moment (RED after it); None: nothing runs.
        amber_at: The moment after which that clock reads AMBER (domain `amber_from`).
        alarm_at: The next turn not told yet: that clock turning amber, or a running clock
            running past due past `last_key` (the alarm's candidates: alarm_at < now).
    """

    due_at: datetime | None = None
    amber_at: datetime | None = None
    alarm_at: datetime | None = None


def due(policy: Policy | None, facts: Facts, now: datetime, last_key: str | None) -> Due:
    """The stored instants of a conversation at `now`: an amber turn at or before `now` is not
    pending (whatever changed at `now` shows it); a breach past `last_key` is, even if past."""
    if policy is None:
        return Due()
    running = [clock for clock in clocks(policy, facts) if clock.stopped_at is None]
    if not running:
        return Due()
    first = min(running, key=lambda clock: clock.breach_key)
    amber = amber_from(policy, first)
    turns = [c.due_at for c in running if last_key is None or c.breach_key > last_key]
    if now <= amber < first.due_at:
        turns.append(amber)
    return Due(first.due_at, amber, min(turns, default=None))


def status_at(found: Due, now: datetime) -> Status | None:
    """How the nearest running clock reads at `now` from the stored instants alone (the same
    as `read_clock`); None when nothing runs."""
    if found.due_at is None or found.amber_at is None:
        return None
    if now > found.due_at:
        return Status.RED
    return Status.AMBER if now > found.amber_at else Status.OK


def nearest(found: Iterable[Reading]) -> Reading | None:
    """The reading due soonest, the one a list row shows; None when nothing runs."""
    return min(found, key=lambda reading: reading.clock.breach_key, default=None)


BREACHING = frozenset({Status.AMBER, Status.RED})  # "breaching soon": due soon or overdue


@dataclass(frozen=True)
class Breaching:
    """The floor's open conversations whose nearest running clock is amber (due soon) or red
    (overdue): the board's "Breaching soon"."""

    due_soon: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.due_soon + self.overdue


def breaching(statuses: Iterable[Status]) -> Breaching:
    """The tally of nearest clocks' statuses (one per conversation)."""
    found = list(statuses)
    return Breaching(found.count(Status.AMBER), found.count(Status.RED))


def new_breaches(policy: Policy, facts: Facts, now: datetime, last_key: str | None) -> list[Clock]:
    """Running clocks past due at `now` not yet notified, in the order they breached; the
    service notifies them and keeps the last one's key. A clock stopped late needs no one."""
    late = [
        clock
        for clock in clocks(policy, facts)
        if clock.stopped_at is None
        and clock.due_at < now
        and (last_key is None or clock.breach_key > last_key)
    ]
    return sorted(late, key=lambda clock: clock.breach_key)


def met(policy: Policy, facts: Facts, kind: Target, now: datetime) -> bool | None:
    """For reports: False when a clock of `kind` stopped late or runs past due at `now`, True
    when every one stopped in time, None when none is decided yet (or the target is unset)."""
    decided = [
        clock.met if clock.stopped_at is not None else False
        for clock in clocks(policy, facts)
        if clock.target == kind and (clock.stopped_at is not None or clock.due_at < now)
    ]
    return all(decided) if decided else None
