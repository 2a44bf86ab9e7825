"""The SLA alarm: tells the assignee and the supervisors once when a conversation's clock runs
past due (domain/sla.new_breaches).

Every worker runs `alarm_forever` (a lifespan task). A pass reads the open conversations with
a turn due (`Interaction.sla_alarm_at` before now, kept by services/sla/clocks.py -> keep_due:
the nearest clock turning amber, or a clock running past due past the last breach notified,
`Interaction.sla_breach_key`), a page at a time from its index, and claims each with one
conditional UPDATE that moves the next turn past now only if no other pass has: two passes at
once tell once. The claim, the breach's audit row and notices commit together, and then an
`InteractionChanged` (board audience: supervisors; listed: the assignee) tells the live pages
at each turn: the board's "Breaching soon", the rows and the conversation's header move with
no reload.
"""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.sla import Clock, due, new_breaches
from agent_workspace.domain.sla_text import NAMES
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    Role,
    User,
    UserRole,
    utcnow,
)
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services import events
from agent_workspace.services.alarms import every_so_often
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.sla.clocks import alarm_candidates, facts_of, policies_of

PAGE = 200  # conversations a pass reads at once
SYSTEM = "system"


def notify_breaches(*, now: datetime | None = None, engine: Engine | None = None) -> int:
    """One alarm pass over the conversations with a turn due (`Interaction.sla_alarm_at`
    before now: a clock turning amber, or one running past due); returns how many breaches
    this pass notified (those another pass claimed first are its own)."""
    at = now or utcnow()
    after = 0
    notified = 0
    while True:
        with reading(engine) as session:
            page = alarm_candidates(session, at, after=after, limit=PAGE)
        for interaction_id in page:
            with transaction(engine) as session:
                notified += _claim(session, interaction_id, at)
        if len(page) < PAGE:
            return notified
        after = page[-1]


async def alarm_forever(*, every: float, engine: Engine | None = None) -> None:
    """Runs `notify_breaches` every `every` seconds until cancelled."""
    notify = functools.partial(notify_breaches, engine=engine)
    await every_so_often(notify, every=every, did="notified SLA breaches of %d interactions")


_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_at: sa.BindParameter[datetime] = sa.bindparam("at_", type_=UTCDateTime)
_CLAIM = (
    sa.update(_I)
    .where(_I.c.id == sa.bindparam("interaction_id"), _I.c.sla_alarm_at < _at)
    .values(
        sla_breach_key=sa.bindparam("key_", type_=sa.String()),
        sla_due_at=sa.bindparam("due_", type_=UTCDateTime),
        sla_amber_at=sa.bindparam("amber_", type_=UTCDateTime),
        sla_alarm_at=sa.bindparam("alarm_", type_=UTCDateTime),
    )
    .returning(_I.c.number, _I.c.assigned_agent_id)
)


def _claim(session: Session, interaction_id: int, at: datetime) -> int:
    """Its turn worked out again under its row lock (a reply or a close since the page was
    read tells nobody), then claimed with one conditional UPDATE that moves the next turn past
    `at` only if no pass has: the winner tells the live pages (an amber turn, a breach) and
    notifies the breaches. Returns how many breaches it notified (0 or 1)."""
    interaction = session.exec(
        select(Interaction).where(Interaction.id == interaction_id).with_for_update()
    ).first()
    if interaction is None or interaction.sla_alarm_at is None or interaction.sla_alarm_at >= at:
        return 0  # another pass told this turn
    active = interaction.state in ACTIVE_STATES
    policy = policies_of(session, [interaction]).get(interaction_id) if active else None
    facts = facts_of(session, [interaction])[interaction_id]
    breaches = new_breaches(policy, facts, at, interaction.sla_breach_key) if policy else []
    key = breaches[-1].breach_key if breaches else interaction.sla_breach_key
    kept = due(policy, facts, at, key)
    row = session.execute(
        _CLAIM,
        {
            "interaction_id": interaction_id,
            "at_": at,
            "key_": key,
            "due_": kept.due_at,
            "amber_": kept.amber_at,
            "alarm_": kept.alarm_at,
        },
    ).first()
    session.expire(interaction)
    if row is None or not active:
        return 0
    if breaches:
        _tell_breaches(session, interaction, row.number, row.assigned_agent_id, breaches)
    # A clock turns amber or red by time, not by a change: the board (its "Breaching soon",
    # its rows), the assignee's list and the conversation hear it as a change, and read it now.
    listed = frozenset({row.assigned_agent_id} - {None})
    events.after_commit(session, events.InteractionChanged(interaction_id, listed))
    return 1 if breaches else 0


def _tell_breaches(
    session: Session,
    interaction: Interaction,
    number: str,
    assignee: int | None,
    breaches: list[Clock],
) -> None:
    """The audit row and the notices of breaches claimed."""
    assert interaction.id is not None
    missed = [NAMES[clock.target].lower() for clock in breaches]
    record(
        session=session,
        actor=SYSTEM,
        action=AuditAction.SLA_BREACHED,
        entity=interaction,
        detail={
            "number": number,
            "breaches": [
                {"target": c.target.value, "due_at": c.due_at.isoformat()} for c in breaches
            ],
        },
    )
    text = f"{number} is past its {' and '.join(missed)} target."
    for agent_id in _told(session, assignee):
        notify(session, agent_id=agent_id, text=text, interaction_id=interaction.id)


def _told(session: Session, assignee: int | None) -> list[int]:
    """The assignee, then every active supervisor (each once)."""
    supervisors = session.exec(
        select(User.id)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(UserRole.role == Role.SUPERVISOR, col(User.is_active))
        .order_by(col(User.id))
    ).all()
    told = [assignee] if assignee is not None else []
    return told + [s for s in supervisors if s is not None and s != assignee]
