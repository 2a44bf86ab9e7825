"""Each agent's availability: what they chose in the header, and what it means now (the rule is
domain/availability.py: no live session reads Offline whatever they chose).

Changing it lives with assignment (services/interactions/assignment.py `set_presence`): an
agent who turns Available is handed the queue in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import reading
from agent_workspace.domain.availability import (
    Availability,
    Presence,
    availability,
)
from agent_workspace.models import AuthSession, Role, User, utcnow
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.errors import NotFound

_SESSIONS: sa.Table = AuthSession.__table__  # type: ignore[attr-defined]


def my_presence(*, actor: Actor | None, engine: Engine | None = None) -> Presence:
    """What the agent chose (the header's select shows it)."""
    agent = require_role(actor, Role.AGENT)
    with reading(engine) as session:
        user = session.get(User, agent.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        return Presence(user.presence)


def load_presence(agent_id: int, *, engine: Engine | None = None) -> Presence | None:
    """Unchecked read for the live notifier, which pushes only to the agent's own tabs (None:
    no such user)."""
    with reading(engine) as session:
        user = session.get(User, agent_id)
        return None if user is None else Presence(user.presence)


def availability_now(
    chosen: Presence, live: bool, now: datetime, *, auto_away: bool = False
) -> Availability:
    """The rule, with idleness as the browser reported it (an Away set automatically), not
    measured here: no server loop watches the tabs (services/interactions/idle.py)."""
    return availability(
        chosen,
        live_session=live,
        last_activity_at=None,
        now=now,
        away_after=None,
        auto_away=auto_away,
    )


def availability_of(session: Session, users: Iterable[User]) -> dict[int, Availability]:
    """What each user is now, for the board."""
    now = utcnow()
    listed = [u for u in users if u.id is not None]
    live = live_sessions(session, [u.id for u in listed if u.id is not None], now)
    return {
        u.id: availability_now(Presence(u.presence), u.id in live, now, auto_away=u.presence_auto)
        for u in listed
        if u.id is not None
    }


def live_sessions(session: Session, user_ids: Iterable[int], now: datetime) -> set[int]:
    """Which of the users have a session that is neither revoked nor expired."""
    ids = sorted(set(user_ids))
    if not ids:
        return set()
    found = session.execute(
        sa.select(_SESSIONS.c.user_id)
        .where(
            _SESSIONS.c.user_id.in_(ids),
            _SESSIONS.c.revoked_at.is_(None),
            _SESSIONS.c.expires_at > now,
        )
        .distinct()
    ).scalars()
    return {int(user_id) for user_id in found}
