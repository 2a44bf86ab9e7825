"""The figures at the top of the supervisor board: how many conversations are open, how many
have no agent, who has waited longest, and the team by availability with their load.

One set of queries whatever the size of the team or the floor: one aggregate over the active
interactions, one indexed read of the longest wait, the agents' loads (one grouped count, the
agents, their live sessions) and the channels' capacities. The live notifier reads it once per
round and pushes the same figures to every supervisor's board (state/live.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.availability import Presence
from agent_workspace.domain.board import Member, at_capacity, by_presence, load_text
from agent_workspace.domain.board import strictest_capacity as capacity_of
from agent_workspace.models import ACTIVE_STATES, Channel, Interaction, Role, User, UserRole
from agent_workspace.services.interactions.availability import availability_of

_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_C: sa.Table = Channel.__table__  # type: ignore[attr-defined]
_ACTIVE = [s.value for s in ACTIVE_STATES]


@dataclass(frozen=True)
class AgentLoad:
    agent_id: int
    name: str
    active: int  # active interactions assigned to them
    status: str = ""  # their availability, e.g. "Available", "Offline (no session)"
    presence: Presence = Presence.OFFLINE


@dataclass(frozen=True)
class Waiting:
    """The open conversation whose consumer has waited longest for an answer."""

    interaction_id: int
    number: str
    phone: str
    since: datetime  # their first unanswered text


@dataclass(frozen=True)
class TeamMember:
    agent_id: int
    name: str
    status: str  # e.g. "Available", "Offline (no session)"
    active: int  # their open conversations
    load: str  # "3 / 5", or "3" when no channel assigns automatically
    full: bool  # automatic assignment gives them no more


@dataclass(frozen=True)
class Overview:
    open: int  # active interactions
    unassigned: int  # of them, with no agent (the virtual agent's queue included)
    queued: int  # of them, waiting with the virtual agent
    waiting: Waiting | None  # None: nobody waits for an answer
    team: tuple[tuple[Presence, tuple[TeamMember, ...]], ...]  # Available, Away, Offline
    # Conversations whose SLA clock turns red soon. None: no SLA policy measures the floor
    # (the board says so instead of showing a 0 that would mean "all on time").
    breaching_soon: int | None = None

    @property
    def members(self) -> tuple[TeamMember, ...]:
        """The whole team, group after group."""
        return tuple(m for _, group in self.team for m in group)


def load_overview(*, engine: Engine | None = None) -> Overview:
    """Unchecked read for the live notifier (it pushes to supervisors' linked pages only)."""
    with reading(engine) as session:
        return overview_in(session)


def overview_in(session: Session) -> Overview:
    counted = session.execute(
        sa.select(
            sa.func.count(),
            sa.func.coalesce(
                sa.func.sum(sa.case((_I.c.assigned_agent_id.is_(None), 1), else_=0)), 0
            ),
            sa.func.coalesce(sa.func.sum(sa.case((_I.c.virtual_agent, 1), else_=0)), 0),
        ).where(_I.c.state.in_(_ACTIVE))
    ).one()
    capacity = capacity_of(
        (bool(auto), int(cap))
        for auto, cap in session.execute(sa.select(_C.c.auto_assign, _C.c.assign_capacity))
    )
    members = [
        (Member(a.agent_id, a.name, a.presence, a.active), a.status) for a in agent_loads(session)
    ]
    status = {m.agent_id: s for m, s in members}
    team = tuple(
        (
            presence,
            tuple(
                TeamMember(
                    m.agent_id,
                    m.name,
                    status[m.agent_id],
                    m.active,
                    load_text(m.active, capacity),
                    at_capacity(m.active, capacity),
                )
                for m in group
            ),
        )
        for presence, group in by_presence(m for m, _ in members)
    )
    return Overview(
        open=int(counted[0]),
        unassigned=int(counted[1]),
        queued=int(counted[2]),
        waiting=_longest_wait(session),
        team=team,
    )


def _longest_wait(session: Session) -> Waiting | None:
    found = session.execute(
        sa.select(_I.c.id, _I.c.number, _I.c.phone, _I.c.awaiting_reply_since)
        .where(_I.c.state.in_(_ACTIVE), _I.c.awaiting_reply_since.is_not(None))
        .order_by(_I.c.awaiting_reply_since, _I.c.id)
        .limit(1)
    ).first()
    if found is None:
        return None
    return Waiting(int(found[0]), found[1], found[2] or "", found[3])


def agent_loads(session: Session) -> tuple[AgentLoad, ...]:
    """Per active agent, their active interactions, busiest first: one grouped count, not one
    per agent (the board, and whom a transfer may go to)."""
    counts = dict(
        session.exec(
            select(Interaction.assigned_agent_id, sa.func.count())
            .where(
                col(Interaction.state).in_(list(ACTIVE_STATES)),
                col(Interaction.assigned_agent_id).is_not(None),
            )
            .group_by(col(Interaction.assigned_agent_id))
        ).all()
    )
    agents = session.exec(
        select(User)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(UserRole.role == Role.AGENT, col(User.is_active))
        .order_by(col(User.display_name), col(User.id))
    ).all()
    statuses = availability_of(session, agents)
    loads = [
        AgentLoad(
            u.id,
            u.display_name,
            int(counts.get(u.id, 0)),
            statuses[u.id].text(),
            statuses[u.id].presence,
        )
        for u in agents
        if u.id
    ]
    return tuple(sorted(loads, key=lambda a: -a.active))
