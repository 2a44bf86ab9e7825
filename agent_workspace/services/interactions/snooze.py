"""Snooze: an agent puts a conversation aside until a time or until the consumer replies
(issue 27 item 4); domain/snooze.py reads the agent's words and says when it comes back.

A snoozed conversation leaves My Interactions (services/interactions/inbox.py filters on
`snoozed_at`) and wakes in one of three ways, each one conditional UPDATE that only the first
to try wins (two router passes, two alarm passes on two workers: woken exactly once):

- the consumer writes: `wake_on_reply`, in the transaction that stores the inbound text;
- its time comes: `wake_due`, the alarm's pass (`alarm_forever`, a lifespan task);
- an agent says "Wake now": `wake_now`, or sends into it: `wake_on_send`.

Woken, it moves to the top of My Interactions (its `updated_at` is now) and the assignee
gets a notice saying why ("Maria Garcia replied" / "Snooze ended").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.snooze import Wake, describe, parse_snooze
from agent_workspace.models import ACTIVE_STATES, Interaction, utcnow
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction, require_active
from agent_workspace.services.alarms import every_so_often
from agent_workspace.services.audit import PROVIDER, AuditAction, record
from agent_workspace.services.errors import FieldProblems, InvalidInput
from agent_workspace.services.interactions.lists import watcher_ids
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.people.directory import get_person, person_ref

BATCH = 100  # due snoozes one alarm pass wakes at most
CLOSED = "{number} is closed; there is nothing to snooze."
SYSTEM = "system"


@dataclass(frozen=True)
class Snoozed:
    number: str
    until: datetime | None  # None: until the consumer replies
    words: str  # e.g. "Until 2026-12-08 09:00 EST or their reply", in the agent's zone


def snooze(
    *,
    actor: Actor | None,
    interaction_id: int,
    choice: str,
    zone: str,
    now: datetime | None = None,
    engine: Engine | None = None,
) -> Snoozed:
    """Snoozes the interaction until `choice` ("2h", "tomorrow 09:00", "reply", …), read in
    the agent's `zone`; snoozing a snoozed one sets its new time. Refused before any write:
    no standing on it (WORK), closed, or words that name no later time (FieldProblems on
    "until", in the parser's words)."""
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        require_active(interaction, CLOSED)
        at = now or utcnow()
        try:
            chosen = parse_snooze(choice, now=at, zone=zone)
        except ValueError as problem:
            raise FieldProblems({"until": str(problem)}) from None
        interaction.snoozed_at, interaction.snoozed_until = at, chosen.until
        interaction.snoozed_by_id = agent.user_id
        session.add(interaction)
        record(
            session=session,
            actor=agent,
            action=AuditAction.INTERACTION_SNOOZED,
            entity=interaction,
            detail={
                "number": interaction.number,
                "until": chosen.until.isoformat() if chosen.until else "reply",
            },
        )
        _changed(session, interaction_id)
        return Snoozed(interaction.number, chosen.until, describe(chosen, zone))


def wake_now(*, actor: Actor | None, interaction_id: int, engine: Engine | None = None) -> str:
    """ "Wake now": the snoozed interaction is back in My Interactions; returns its number."""
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        if interaction.snoozed_at is None:
            raise InvalidInput(f"{interaction.number} is not snoozed.")
        number = interaction.number
        session.flush()
        _wake(session, interaction_id, why=None, actor=agent, now=utcnow())
        return number


def wake_on_reply(session: Session, interaction_id: int, *, now: datetime) -> bool:
    """In the transaction that stores the consumer's text: wakes the interaction if it is
    snoozed (one UPDATE when it is not); returns whether it did."""
    return _wake(session, interaction_id, why=Wake.REPLY, actor=PROVIDER, now=now)


def wake_on_send(
    session: Session, interaction: Interaction, agent: Actor, *, now: datetime
) -> bool:
    """In the transaction of an agent's Send (not a scheduled one: "text them tomorrow and
    wait for the reply" stays snoozed): the conversation is being worked again. The Send has
    the row already: one not snoozed costs no statement."""
    if interaction.snoozed_at is None or interaction.id is None:
        return False
    return _wake(session, interaction.id, why=None, actor=agent, now=now)


def wake_due(*, now: datetime | None = None, engine: Engine | None = None) -> int:
    """The alarm's pass: wakes up to BATCH active interactions whose snooze time has come,
    each in its own transaction; returns how many this pass woke (another pass that got
    there first counts them, not this one)."""
    at = now or utcnow()
    with reading(engine) as session:
        due = session.exec(
            select(Interaction.id)
            .where(
                col(Interaction.snoozed_until) <= at,
                col(Interaction.state).in_(sorted(ACTIVE_STATES)),
            )
            .order_by(col(Interaction.snoozed_until))
            .limit(BATCH)
        ).all()
    woken = 0
    for interaction_id in due:
        assert interaction_id is not None
        with transaction(engine) as session:
            woken += _wake(session, interaction_id, why=Wake.TIME, actor=SYSTEM, now=at)
    return woken


async def alarm_forever(*, every: float, engine: Engine | None = None) -> None:
    """Runs `wake_due` every `every` seconds until cancelled (every worker runs it; the
    conditional UPDATE lets one pass wake each interaction)."""
    wake = functools.partial(wake_due, engine=engine)
    await every_so_often(wake, every=every, did="woke %d snoozed interactions")


_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_now = sa.bindparam("now_", type_=UTCDateTime)
_WAKE = (
    sa.update(_I)
    .where(_I.c.id == sa.bindparam("interaction_id"), _I.c.snoozed_at.is_not(None))
    .values(snoozed_at=None, snoozed_until=None, snoozed_by_id=None, updated_at=_now)
    .returning(_I.c.number, _I.c.assigned_agent_id, _I.c.consumer_id, _I.c.contact_id)
)
_WAKE_DUE = _WAKE.where(_I.c.snoozed_until <= _now, _I.c.state.in_(sorted(ACTIVE_STATES)))


def _wake(
    session: Session, interaction_id: int, *, why: Wake | None, actor: Actor | str, now: datetime
) -> bool:
    """Un-snoozes it if it still is (and, for the alarm, is due); None `why`: an agent woke
    it. The audit row, the assignee's notice and the list push come with the one UPDATE."""
    statement = _WAKE_DUE if why is Wake.TIME else _WAKE
    row = session.execute(statement, {"interaction_id": interaction_id, "now_": now}).first()
    if row is None:
        return False
    interaction = session.get(Interaction, interaction_id)
    assert interaction is not None
    session.refresh(interaction)  # the ORM copy, if any, as the UPDATE left it
    reason = _reason(session, row, why, actor)
    record(
        session=session,
        actor=actor,
        action=AuditAction.INTERACTION_WOKEN,
        entity=interaction,
        detail={"number": row.number, "why": why.value if why else "agent"},
    )
    by_someone_else = not isinstance(actor, Actor) or actor.user_id != row.assigned_agent_id
    if row.assigned_agent_id is not None and by_someone_else:
        words = f"{reason}: {row.number} is back in My Interactions."
        notify(session, agent_id=row.assigned_agent_id, text=words, interaction_id=interaction_id)
    _changed(session, interaction_id)
    return True


def _reason(session: Session, row: Any, why: Wake | None, actor: Actor | str) -> str:
    if why is Wake.TIME:
        return "Snooze ended"
    if why is None:
        return f"{actor.display_name} woke it" if isinstance(actor, Actor) else "Woken"
    ref = person_ref(row.consumer_id, row.contact_id)
    person = get_person(session, ref) if ref else None
    return f"{person.name if person else 'The consumer'} replied"


def _changed(session: Session, interaction_id: int) -> None:
    """Its header for its viewers, and its row for every list that shows it."""
    listed = frozenset(watcher_ids(session, interaction_id))
    events.after_commit(session, events.InteractionChanged(interaction_id, listed))
