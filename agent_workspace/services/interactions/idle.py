"""Away after idle minutes (issue 27 item 1): the agent's browser says when they went idle and
when they act again; the server keeps no timer and polls nothing.

assets/workspace.js counts AW_AWAY_AFTER_MINUTES from the last key, click or pointer move in
any of the agent's tabs (shared through the browser's storage) and then calls `went_idle`
once; the next activity calls `came_back`. What each does to the stored choice is the pure rule
(domain/availability.py `when_idle`, `when_back`): only Available turns Away, and only an
Away set that way turns back, handing the agent the queue as choosing Available does.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.config import get_settings
from agent_workspace.db.engine import transaction
from agent_workspace.domain.availability import Presence, when_back, when_idle
from agent_workspace.models import Role, User
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.errors import NotFound
from agent_workspace.services.interactions.assignment import change_presence


def away_after_ms() -> int:
    """The idle time the browser counts, in milliseconds (0: never)."""
    return round(get_settings().away_after_minutes * 60_000)


def went_idle(*, actor: Actor | None, engine: Engine | None = None) -> Presence:
    """The agent's tabs saw nothing for the idle time: Available turns Away (automatically);
    any other choice stays. Returns what they are now."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        user = session.get(User, agent.user_id, with_for_update=True)
        if user is None:
            raise NotFound("Your account no longer exists.")
        if away_after_ms() == 0 or (after := when_idle(Presence(user.presence))) is None:
            return Presence(user.presence)
        change_presence(session, agent, user, after, auto=True, how="idle")
        return after


def came_back(*, actor: Actor | None, engine: Engine | None = None) -> Presence:
    """The agent acted again: an Away set by idleness turns Available (and they are handed
    the queue); an Away or Offline they chose stays. Returns what they are now."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        user = session.get(User, agent.user_id, with_for_update=True)
        if user is None:
            raise NotFound("Your account no longer exists.")
        after = when_back(Presence(user.presence), auto_away=user.presence_auto)
        if after is None:
            return Presence(user.presence)
        change_presence(session, agent, user, after, auto=False, how="active again")
        return after
