"""Each agent's availability: what they chose in the header, and what it means now (the rule is
domain/availability.py: no live session reads Offline whatever they chose).

An agent who turns Available is handed the queue's oldest conversations up to their capacity
in the same transaction (services/interactions/assignment.py); the board's agents table follows
after commit.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.availability import (
    Availability,
    Presence,
    availability,
    became_available,
    parse_presence,
)
from agent_workspace.models import Role, User, utcnow
from agent_workspace.services import events
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts.auth import live_sessions
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.interactions.assignment import hand_out_waiting


def my_presence(*, actor: Actor | None, engine: Engine | None = None) -> Presence:
    """What the agent chose (the header's select shows it)."""
    agent = require_role(actor, Role.AGENT)
    with reading(engine) as session:
        user = session.get(User, agent.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        return Presence(user.presence)


def set_presence(*, actor: Actor | None, presence: str, engine: Engine | None = None) -> Presence:
    """Saves the agent's choice; turning Available hands them waiting conversations (oldest
    first, up to their capacity). The same choice again changes nothing."""
    agent = require_role(actor, Role.AGENT)
    try:
        chosen = parse_presence(presence)
    except ValueError as bad:
        raise InvalidInput(str(bad)) from None
    with transaction(engine) as session:
        user = session.get(User, agent.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        before = Presence(user.presence)
        if before == chosen:
            return chosen
        now = utcnow()
        live = bool(live_sessions(session, [agent.user_id], now))
        user.presence = chosen.value
        session.add(user)
        record(
            session=session,
            actor=agent,
            action=AuditAction.USER_PRESENCE_CHANGED,
            entity=user,
            detail={"before": before.value, "after": chosen.value},
        )
        session.flush()
        if became_available(_now(before, live, now), _now(chosen, live, now)):
            hand_out_waiting(session)
        events.after_commit(session, events.TeamChanged())
        return chosen


def _now(chosen: Presence, live: bool, now: datetime) -> Availability:
    return availability(chosen, live_session=live, last_activity_at=None, now=now, away_after=None)


def availability_of(session: Session, users: Iterable[User]) -> dict[int, Availability]:
    """What each user is now, for the board."""
    now = utcnow()
    listed = [u for u in users if u.id is not None]
    live = live_sessions(session, [u.id for u in listed if u.id is not None], now)
    return {u.id: _now(Presence(u.presence), u.id in live, now) for u in listed if u.id is not None}
