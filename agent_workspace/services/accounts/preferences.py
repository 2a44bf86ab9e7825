"""How each user wants to hear about new messages: a sound, a browser notification (both off
until the user turns them on)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import reading, transaction
from agent_workspace.models import Role, User
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import NotFound


@dataclass(frozen=True)
class NotificationChoices:
    sound: bool
    desktop: bool


def notification_choices(
    *, actor: Actor | None, engine: Engine | None = None
) -> NotificationChoices:
    agent = require_role(actor, Role.AGENT)
    with reading(engine) as session:
        user = session.get(User, agent.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        return NotificationChoices(user.notify_sound, user.notify_desktop)


def set_notification_choices(
    *, actor: Actor | None, sound: bool, desktop: bool, engine: Engine | None = None
) -> NotificationChoices:
    """Saves the user's own choices; the same choices again change nothing."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        user = session.get(User, agent.user_id)
        if user is None:
            raise NotFound("Your account no longer exists.")
        if (user.notify_sound, user.notify_desktop) == (sound, desktop):
            return NotificationChoices(sound, desktop)
        before = {"sound": user.notify_sound, "desktop": user.notify_desktop}
        user.notify_sound, user.notify_desktop = sound, desktop
        session.add(user)
        record(
            session=session,
            actor=agent,
            action=AuditAction.USER_NOTIFICATIONS_CHANGED,
            entity=user,
            detail={"before": before, "after": {"sound": sound, "desktop": desktop}},
        )
        return NotificationChoices(sound, desktop)
