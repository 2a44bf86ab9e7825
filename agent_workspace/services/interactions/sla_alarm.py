"""The SLA alarm: tells the assignee and the supervisors once when a conversation's clock runs
past due (domain/sla.new_breaches).

Every worker runs `alarm_forever` (a lifespan task). A pass reads the open conversations of
channels with a policy, a page at a time, works out the breaches past the last one notified
(`Interaction.sla_breach_key`), and claims them with one conditional UPDATE that moves the key
forward only if no other pass has: two passes at once notify once. The claim, its audit row and
the notices commit together, and then an `InteractionChanged` (board audience: supervisors)
tells the live pages: the board's "Breaching soon" moves with no reload.
"""

from __future__ import annotations

import functools
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.sla import new_breaches
from agent_workspace.domain.sla_text import NAMES
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    Role,
    User,
    UserRole,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.alarms import every_so_often
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.sla.clocks import facts_of, open_with_policy, policies_of

PAGE = 200  # conversations a pass reads at once
SYSTEM = "system"


def notify_breaches(*, now: datetime | None = None, engine: Engine | None = None) -> int:
    """One alarm pass over every open conversation with a policy; returns how many this pass
    notified (those another pass claimed first are its own)."""
    at = now or utcnow()
    after = 0
    notified = 0
    while True:
        with reading(engine) as session:
            page = open_with_policy(session, after=after, limit=PAGE)
            if not page:
                return notified
            after = page[-1].id or after
            policies = policies_of(session, page)
            facts = facts_of(session, [i for i in page if i.id in policies])
            due = [
                (i.id, found)
                for i in page
                if i.id in policies
                and (found := new_breaches(policies[i.id], facts[i.id], at, i.sla_breach_key))
            ]
            full = len(page) == PAGE
        for interaction_id, _ in due:
            assert interaction_id is not None
            with transaction(engine) as session:
                notified += _claim(session, interaction_id, at)
        if not full:
            return notified


async def alarm_forever(*, every: float, engine: Engine | None = None) -> None:
    """Runs `notify_breaches` every `every` seconds until cancelled."""
    notify = functools.partial(notify_breaches, engine=engine)
    await every_so_often(notify, every=every, did="notified SLA breaches of %d interactions")


_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_key: sa.BindParameter[str] = sa.bindparam("key_", type_=sa.String())
_CLAIM = (
    sa.update(_I)
    .where(
        _I.c.id == sa.bindparam("interaction_id"),
        sa.or_(_I.c.sla_breach_key.is_(None), _I.c.sla_breach_key < _key),
    )
    .values(sla_breach_key=_key)
    .returning(_I.c.number, _I.c.assigned_agent_id)
)


def _claim(session: Session, interaction_id: int, at: datetime) -> int:
    """Its breaches worked out again under its row lock (a reply or a close since the page was
    read tells nobody), then the key moved to the last one if no pass has: the winner
    notifies."""
    interaction = session.exec(
        select(Interaction).where(Interaction.id == interaction_id).with_for_update()
    ).first()
    if interaction is None or interaction.state not in ACTIVE_STATES:
        return 0
    policy = policies_of(session, [interaction]).get(interaction_id)
    facts = facts_of(session, [interaction])[interaction_id]
    breaches = new_breaches(policy, facts, at, interaction.sla_breach_key) if policy else []
    if not breaches:
        return 0
    key = breaches[-1].breach_key
    row = session.execute(_CLAIM, {"interaction_id": interaction_id, "key_": key}).first()
    if row is None:
        return 0
    missed = [NAMES[clock.target].lower() for clock in breaches]
    record(
        session=session,
        actor=SYSTEM,
        action=AuditAction.SLA_BREACHED,
        entity=interaction,
        detail={
            "number": row.number,
            "breaches": [
                {"target": c.target.value, "due_at": c.due_at.isoformat()} for c in breaches
            ],
        },
    )
    text = f"{row.number} is past its {' and '.join(missed)} target."
    for agent_id in _told(session, row.assigned_agent_id):
        notify(session, agent_id=agent_id, text=text, interaction_id=interaction_id)
    # A breach happens by time, not by a change: the board (its "Breaching soon", its rows),
    # the assignee's list and the conversation hear it as a change, so they read it now.
    listed = frozenset({row.assigned_agent_id} - {None})
    events.after_commit(session, events.InteractionChanged(interaction_id, listed))
    return 1


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
