"""The facts and clocks of conversations, read in bulk for a page of rows or an alarm pass.

Facts (domain/sla.Facts) come from the messages: the consumer's texts are the received ones;
an agent's reply is an outbound text an agent wrote (not an automatic one, a note, a text
still scheduled, or one that failed or was canceled: none of those reached the consumer), at
the time it went. The conversation resolves when it closes. A page of rows costs three reads
whatever its length: the policies of its channels, its labels, its messages.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, and_, col, or_, select

from agent_workspace.domain.business_hours import Calendar
from agent_workspace.domain.sla import (
    Clock,
    Due,
    Facts,
    Policy,
    Reading,
    Rule,
    Status,
    due,
    nearest,
    policy_for,
    read_clock,
    readings,
    status_at,
)
from agent_workspace.domain.sla_text import describe
from agent_workspace.models import (
    ACTIVE_STATES,
    Direction,
    Interaction,
    InteractionLabel,
    InteractionType,
    Label,
    Message,
    MessageStatus,
    SlaPolicy,
    utcnow,
)
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services.sla.calendars import calendar_of

# Outbound statuses of a text that reached (or is on its way to) the consumer.
_REACHED = (
    MessageStatus.QUEUED,
    MessageStatus.SENDING,
    MessageStatus.SENT,
    MessageStatus.DELIVERED,
    MessageStatus.UNCONFIRMED,
)


@dataclass(frozen=True)
class SlaPlan:
    """A conversation's nearest running clock and the policy it counts in: a page keeps it and
    reads it again as time passes (`shown`), with no new read of the database."""

    policy: Policy
    clock: Clock

    def reading(self, now: datetime) -> Reading:
        return read_clock(self.policy, self.clock, now)

    def shown(self, now: datetime) -> tuple[str, str]:
        """(words, status): ("First response 12m left", "ok")."""
        found = self.reading(now)
        return describe(found), found.status.value


def policies_of(
    session: Session,
    interactions: Sequence[Interaction],
    labels: Mapping[int, tuple[str, ...]] | None = None,
) -> dict[int, Policy]:
    """The policy each interaction answers to (those with none are left out); `labels`, the
    names each carries, when the caller has read them already."""
    channels = {i.channel_id for i in interactions if i.channel_id is not None}
    rules = rules_for(session, channels)
    if not rules:
        return {}
    if labels is None:
        labels = _label_names(session, [i.id for i in interactions if i.id is not None])
    found: dict[int, Policy] = {}
    for interaction in interactions:
        if interaction.id is None or interaction.channel_id is None:
            continue
        policy = policy_for(
            rules, channel_id=interaction.channel_id, labels=labels.get(interaction.id, ())
        )
        if policy is not None:
            found[interaction.id] = policy
    return found


def facts_of(session: Session, interactions: Sequence[Interaction]) -> dict[int, Facts]:
    """Each interaction's facts, from one read of their messages."""
    ids = [i.id for i in interactions if i.id is not None]
    if not ids:
        return {}
    inbound: dict[int, list[datetime]] = {i: [] for i in ids}
    replies: dict[int, list[datetime]] = {i: [] for i in ids}
    rows = session.exec(
        select(
            Message.interaction_id, Message.direction, Message.created_at, Message.scheduled_for
        ).where(
            col(Message.interaction_id).in_(ids),
            or_(
                col(Message.direction) == Direction.INBOUND,
                and_(
                    col(Message.direction) == Direction.OUTBOUND,
                    col(Message.author_id).is_not(None),
                    col(Message.status).in_(_REACHED),
                ),
            ),
        )
    ).all()
    for interaction_id, direction, created_at, scheduled_for in rows:
        if direction == Direction.INBOUND:
            inbound[interaction_id].append(created_at)
        else:
            replies[interaction_id].append(scheduled_for or created_at)
    return {
        i.id: Facts(
            opened_at=i.opened_at,
            consumer_messages=tuple(inbound[i.id]),
            agent_replies=tuple(replies[i.id]),
            resolved_at=None if i.state in ACTIVE_STATES else (i.closed_at or i.updated_at),
        )
        for i in interactions
        if i.id is not None
    }


def plans_of(
    session: Session,
    interactions: Sequence[Interaction],
    now: datetime,
    labels: Mapping[int, tuple[str, ...]] | None = None,
) -> dict[int, SlaPlan]:
    """The nearest running clock of each interaction that has one (policy and a clock running)."""
    policies = policies_of(session, interactions, labels)
    if not policies:
        return {}
    facts = facts_of(session, [i for i in interactions if i.id in policies])
    plans: dict[int, SlaPlan] = {}
    for interaction_id, policy in policies.items():
        found = nearest(readings(policy, facts[interaction_id], now))
        if found is not None:
            plans[interaction_id] = SlaPlan(policy, found.clock)
    return plans


def keep_due(session: Session, interaction_ids: Iterable[int], now: datetime | None = None) -> None:
    """Works out again what the interactions keep of their clocks (domain/sla.Due: the nearest
    running clock's due and amber moments, the alarm's next turn) and writes it in the caller's
    transaction: every service that changes what a clock depends on (a message in or out, a
    reply's delivery failing, close, labels, a policy, business hours) calls it. A fixed
    number of reads whatever the number of interactions; one read when no policy exists.

    It reads and writes columns, not the ORM rows: a caller's loaded interaction is neither
    replaced nor refreshed under it (its own changes are flushed first, and read)."""
    ids = sorted(set(interaction_ids))
    if not ids or not session.exec(select(SlaPolicy.id).limit(1)).first():
        return
    _keep(session, _clock_rows(session, col(Interaction.id).in_(ids)), now or utcnow())


def keep_due_on_channels(session: Session, channel_ids: Iterable[int]) -> None:
    """keep_due for every open interaction of these channels (their policies or business
    hours changed), a page at a time; with no policy left they keep nothing."""
    wanted = sorted(set(channel_ids))
    after = 0
    now = utcnow()
    while wanted:
        page = _clock_rows(
            session,
            col(Interaction.channel_id).in_(wanted),
            col(Interaction.state).in_(sorted(ACTIVE_STATES)),
            col(Interaction.id) > after,
            limit=_PAGE,
        )
        if not page:
            return
        _keep(session, page, now)
        after = page[-1].id or after


_KEPT = (
    "id",
    "channel_id",
    "state",
    "opened_at",
    "closed_at",
    "updated_at",
    "sla_breach_key",
    "sla_due_at",
    "sla_amber_at",
    "sla_alarm_at",
)


def _clock_rows(session: Session, *where: Any, limit: int | None = None) -> list[Interaction]:
    """What the clocks read of each interaction, as detached values (no ORM row loaded), each
    row locked: two changes to one conversation at once (a text in, a reply's status) work its
    clocks out one after the other, the second from what the first committed."""
    query = (
        select(*(col(getattr(Interaction, name)) for name in _KEPT))
        .where(*where)
        .order_by(col(Interaction.id))
        .with_for_update()
    )
    found = session.exec(query if limit is None else query.limit(limit)).all()
    return [
        Interaction(number="", type=InteractionType.MESSAGING, **dict(zip(_KEPT, r, strict=True)))
        for r in found
    ]


_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_WRITE = (
    sa.update(_I)
    .where(_I.c.id == sa.bindparam("iid"))
    .values(
        sla_due_at=sa.bindparam("due_", type_=UTCDateTime),
        sla_amber_at=sa.bindparam("amber_", type_=UTCDateTime),
        sla_alarm_at=sa.bindparam("alarm_", type_=UTCDateTime),
    )
)


def _keep(session: Session, interactions: list[Interaction], now: datetime) -> None:
    active = [i for i in interactions if i.state in ACTIVE_STATES]
    policies = policies_of(session, active) if active else {}
    facts = facts_of(session, [i for i in active if i.id in policies])
    changed = []
    for interaction in interactions:
        assert interaction.id is not None
        policy = policies.get(interaction.id)
        kept = (
            due(policy, facts[interaction.id], now, interaction.sla_breach_key)
            if policy is not None
            else Due()
        )
        if (interaction.sla_due_at, interaction.sla_amber_at, interaction.sla_alarm_at) != (
            kept.due_at,
            kept.amber_at,
            kept.alarm_at,
        ):
            changed.append(
                {
                    "iid": interaction.id,
                    "due_": kept.due_at,
                    "amber_": kept.amber_at,
                    "alarm_": kept.alarm_at,
                }
            )
    if changed:
        session.execute(_WRITE, changed)


_PAGE = 500


def alarm_candidates(session: Session, now: datetime, *, after: int, limit: int) -> list[int]:
    """The open interactions with a turn to tell before `now` (amber or a breach), by id
    after `after`: one read of the `sla_alarm_at` index."""
    return [
        i
        for i in session.exec(
            select(Interaction.id)
            .where(
                col(Interaction.sla_alarm_at) < now,
                col(Interaction.state).in_(sorted(ACTIVE_STATES)),
                col(Interaction.id) > after,
            )
            .order_by(col(Interaction.id))
            .limit(limit)
        ).all()
        if i is not None
    ]


def floor_statuses(session: Session, now: datetime) -> dict[int, Status] | None:
    """The open conversations whose nearest running clock reads amber (due soon) or red
    (overdue) at `now`, by interaction; None when no policy exists on any channel. Two reads
    whatever the floor's size: a policy exists?, then the `sla_amber_at` index (the instants
    keep_due keeps): the board's overview and its filter."""
    if not session.exec(select(SlaPolicy.id).limit(1)).first():
        return None
    found = session.exec(
        select(Interaction.id, Interaction.sla_due_at, Interaction.sla_amber_at).where(
            col(Interaction.sla_amber_at) < now,
            col(Interaction.state).in_(sorted(ACTIVE_STATES)),
        )
    ).all()
    statuses: dict[int, Status] = {}
    for interaction_id, due_at, amber_at in found:
        status = status_at(Due(due_at, amber_at), now)
        if interaction_id is not None and status is not None:
            statuses[interaction_id] = status
    return statuses


def nearest_clock(session: Session, interaction_id: int) -> SlaPlan | None:
    """One interaction's nearest running clock (the conversation's header after a text)."""
    if not session.exec(select(SlaPolicy.id).limit(1)).first():
        return None  # no service levels set: one read, and the interaction is not loaded
    interaction = session.get(Interaction, interaction_id)
    if interaction is None:
        return None
    return plans_of(session, [interaction], utcnow()).get(interaction_id)


def _label_names(session: Session, ids: list[int]) -> dict[int, tuple[str, ...]]:
    if not ids:
        return {}
    found = session.exec(
        select(InteractionLabel.interaction_id, Label.name)
        .join(Label, col(Label.id) == InteractionLabel.label_id)
        .where(col(InteractionLabel.interaction_id).in_(ids))
    ).all()
    names: dict[int, list[str]] = {}
    for interaction_id, name in found:
        names.setdefault(interaction_id, []).append(name)
    return {i: tuple(n) for i, n in names.items()}


def rules_for(session: Session, channel_ids: Iterable[int]) -> list[Rule]:
    """The domain's rules for these channels, in order, with label names (one read), each
    counting in its channel's business hours (services/channels/business_hours.py), or in
    calendar time where the channel keeps none."""
    wanted = sorted(set(channel_ids))
    if not wanted:
        return []
    found = session.exec(
        select(SlaPolicy, Label.name)
        .join(Label, col(Label.id) == SlaPolicy.label_id, isouter=True)
        .where(col(SlaPolicy.channel_id).in_(wanted))
        .order_by(col(SlaPolicy.position), col(SlaPolicy.id))
    ).all()
    calendars = {c: calendar_of(session, c) for c in {p.channel_id for p, _ in found}}
    return [Rule(p.channel_id, _domain(p, calendars[p.channel_id]), name) for p, name in found]


def _domain(policy: SlaPolicy, calendar: Calendar | None) -> Policy:
    def span(minutes: int | None) -> timedelta | None:
        return timedelta(minutes=minutes) if minutes else None

    return Policy(
        first_response=span(policy.first_response_minutes),
        next_response=span(policy.next_response_minutes),
        resolution=span(policy.resolution_minutes),
        calendar=calendar,
    )
