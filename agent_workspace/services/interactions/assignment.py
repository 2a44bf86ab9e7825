"""Automatic assignment: a new inbound conversation goes to an Available agent with room, round
robin (domain/assignment.py), in the transaction that routes the text; what nobody could take
waits with the virtual agent and is handed out, oldest first, when an agent becomes Available.

Both paths take the channel's assignment lock (db/locks.py `lock_assignment`) before they read
the candidates' loads and the cursor, so each interaction is given once and no agent is given
more than their capacity however many workers route at once. The hand-out of the queue holds
no phone lock: each interaction is taken in an UPDATE that still requires it to be active and
with the virtual agent (a Send may have closed it meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_assignment
from agent_workspace.domain.assignment import Candidate, Handout, Waiting, choose, hand_out
from agent_workspace.domain.availability import (
    Presence,
    became_available,
    parse_presence,
)
from agent_workspace.models import (
    Channel,
    Interaction,
    InteractionType,
    LiveGroupReason,
    Role,
    User,
    UserRole,
    utcnow,
)
from agent_workspace.models.interaction import ACTIVE_STATES
from agent_workspace.services import events
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import SYSTEM, AuditAction, record
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.interactions.assignee import assign
from agent_workspace.services.interactions.availability import availability_now, live_sessions
from agent_workspace.services.interactions.live_group import join_live_group
from agent_workspace.services.interactions.notices import notify

_C: sa.Table = Channel.__table__  # type: ignore[attr-defined]
_U: sa.Table = User.__table__  # type: ignore[attr-defined]
_R: sa.Table = UserRole.__table__  # type: ignore[attr-defined]
_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_ACTIVE = [state.value for state in ACTIVE_STATES]


@dataclass(frozen=True)
class Policy:
    """A channel's assignment setting as an administrator left it."""

    on: bool
    capacity: int
    cursor: int | None


def set_presence(*, actor: Actor | None, presence: str, engine: Engine | None = None) -> Presence:
    """Saves the agent's choice; turning Available hands them waiting conversations (oldest
    first, up to their capacity). The same choice again changes nothing."""
    agent = require_role(actor, Role.AGENT)
    try:
        chosen = parse_presence(presence)
    except ValueError as bad:
        raise InvalidInput(str(bad)) from None
    with transaction(engine) as session:
        user = _user(session, agent)
        if Presence(user.presence) == chosen and not user.presence_auto:
            return chosen
        change_presence(session, agent, user, chosen, auto=False)
        return chosen


def _user(session: Session, agent: Actor) -> User:
    user = session.get(User, agent.user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    return user


def change_presence(
    session: Session, agent: Actor, user: User, chosen: Presence, *, auto: bool, how: str = ""
) -> None:
    """The change itself, in the caller's transaction: the stored choice (and whether it was
    set automatically, by idleness), the audit row, the queue handed out when they can take
    work now, and the supervisors' boards told after commit."""
    before = Presence(user.presence)
    now = utcnow()
    live = bool(live_sessions(session, [agent.user_id], now))
    was = availability_now(before, live, now, auto_away=user.presence_auto)
    user.presence, user.presence_auto = chosen.value, auto
    session.add(user)
    detail = {"before": before.value, "after": chosen.value}
    record(
        session=session,
        actor=agent,
        action=AuditAction.USER_PRESENCE_CHANGED,
        entity=user,
        detail={**detail, "how": how} if how else detail,
    )
    session.flush()
    if became_available(was, availability_now(chosen, live, now, auto_away=auto)):
        hand_out_waiting(session)
    events.after_commit(session, events.TeamChanged())
    events.after_commit(session, events.PresenceChanged(agent.user_id))


def policy_of(session: Session, channel_id: int) -> Policy | None:
    """The channel's setting, read in the caller's transaction (None: no such channel)."""
    found = session.execute(
        sa.select(_C.c.auto_assign, _C.c.assign_capacity, _C.c.assign_cursor).where(
            _C.c.id == channel_id
        )
    ).first()
    return None if found is None else Policy(bool(found[0]), int(found[1]), found[2])


def assign_opened(session: Session, *, channel_id: int, interaction: Interaction) -> int | None:
    """Gives an interaction the router has just opened (with the virtual agent) to the next
    Available agent with room; returns their id, or None when it waits in the queue."""
    quick = policy_of(session, channel_id)
    if quick is None or not quick.on:
        return None
    lock_assignment(session, channel_id)
    policy = policy_of(session, channel_id)  # read again under the lock: the cursor moves
    assert policy is not None
    now = utcnow()
    chosen = choose(candidates(session, policy.capacity, now), policy.cursor)
    if chosen is None:
        return None
    _give(session, interaction, chosen.agent_id, channel_id, now)
    return chosen.agent_id


def hand_out_waiting(session: Session, *, channel_ids: Iterable[int] | None = None) -> int:
    """Hands the queue out, oldest first, to the Available agents with room on every channel
    that assigns automatically (or those named); returns how many were given."""
    if channel_ids is None:
        channel_ids = session.execute(sa.select(_C.c.id).where(_C.c.auto_assign)).scalars()
    given = 0
    for channel_id in sorted(channel_ids):
        given += _hand_out_on(session, channel_id)
    return given


def _hand_out_on(session: Session, channel_id: int) -> int:
    lock_assignment(session, channel_id)
    policy = policy_of(session, channel_id)
    if policy is None or not policy.on:
        return 0
    now = utcnow()
    agents = candidates(session, policy.capacity, now)
    room = sum(max(0, a.capacity - a.open_count) for a in agents)
    if room == 0:
        return 0
    plan = hand_out(_waiting(session, channel_id, room), agents, policy.cursor, now)
    given = 0
    for handout in plan:
        if (interaction := _still_waiting(session, handout)) is not None:
            _give(session, interaction, handout.agent_id, channel_id, now)
            given += 1
    return given


def candidates(session: Session, capacity: int, now: datetime) -> list[Candidate]:
    """The agents who take work now (domain/availability.py), with their open conversations."""
    rows = session.execute(
        sa.select(_U.c.id, _U.c.presence, _U.c.last_assigned_at)
        .join(_R, _R.c.user_id == _U.c.id)
        .where(_R.c.role == Role.AGENT.value, _U.c.is_active, _U.c.presence == Presence.AVAILABLE)
    ).all()
    live = live_sessions(session, [row[0] for row in rows], now)
    takers = [
        row for row in rows if availability_now(Presence(row[1]), row[0] in live, now).takes_work
    ]
    loads = open_loads(session, [row[0] for row in takers])
    return [Candidate(row[0], loads.get(row[0], 0), capacity, row[2]) for row in takers]


def open_loads(session: Session, agent_ids: list[int]) -> dict[int, int]:
    """Active interactions assigned to each agent: what capacity counts and the board shows."""
    if not agent_ids:
        return {}
    found = session.execute(
        sa.select(_I.c.assigned_agent_id, sa.func.count())
        .where(_I.c.assigned_agent_id.in_(agent_ids), _I.c.state.in_(_ACTIVE))
        .group_by(_I.c.assigned_agent_id)
    ).all()
    return {int(agent): int(count) for agent, count in found}


def _waiting(session: Session, channel_id: int, limit: int) -> list[Waiting]:
    since = sa.func.coalesce(_I.c.awaiting_reply_since, _I.c.opened_at)
    found = session.execute(
        sa.select(_I.c.id, since)
        .where(
            _I.c.channel_id == channel_id,
            _I.c.virtual_agent,
            _I.c.type == InteractionType.MESSAGING.value,
            _I.c.state.in_(_ACTIVE),
        )
        .order_by(since, _I.c.id)
        .limit(limit)
    ).all()
    return [Waiting(int(i), at) for i, at in found]


def _still_waiting(session: Session, handout: Handout) -> Interaction | None:
    """The interaction, locked, if it is still active and with the virtual agent."""
    query = (
        sa.select(Interaction)
        .where(
            _I.c.id == handout.interaction_id,
            _I.c.virtual_agent,
            _I.c.state.in_(_ACTIVE),
        )
        .with_for_update()
    )
    return session.execute(query).scalars().first()


def _give(
    session: Session, interaction: Interaction, agent_id: int, channel_id: int, now: datetime
) -> None:
    """The assignment itself: the assignee, their live group, their turn, the audit row and
    their notice; their list and the board follow after commit."""
    assert interaction.id is not None
    assign(session, interaction, agent_id)
    join_live_group(
        session=session,
        actor=SYSTEM,
        interaction=interaction,
        agent_id=agent_id,
        reason=LiveGroupReason.ASSIGNED,
    )
    session.execute(sa.update(_U).where(_U.c.id == agent_id).values(last_assigned_at=now))
    session.execute(sa.update(_C).where(_C.c.id == channel_id).values(assign_cursor=agent_id))
    record(
        session=session,
        actor=SYSTEM,
        action=AuditAction.INTERACTION_ASSIGNED,
        entity=interaction,
        detail={"number": interaction.number, "to": agent_id, "how": "round robin"},
    )
    who = interaction.phone or "a consumer"
    notify(
        session,
        agent_id=agent_id,
        text=f"{interaction.number} was assigned to you: a new conversation from {who}.",
        interaction_id=interaction.id,
    )
    events.after_commit(session, events.InteractionChanged(interaction.id, frozenset({agent_id})))
