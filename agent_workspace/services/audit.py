"""The audit trail: one row per state change, naming the user or the provider behind it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, SQLModel

from agent_workspace.models import AuditEvent
from agent_workspace.services.access import Actor

PROVIDER = "provider"
SYSTEM = "system"


def record(
    *,
    session: Session,
    actor: Actor | str | None,
    action: str,
    entity: SQLModel,
    detail: dict[str, Any] | None = None,
    actor_user_id: int | None = None,
) -> None:
    """Adds an audit row in the caller's transaction; `actor` is a user, "provider" or "system"."""
    if isinstance(actor, Actor):
        actor_name, actor_user_id = "user", actor.user_id
    else:
        actor_name = actor or ("user" if actor_user_id else SYSTEM)
    session.add(
        AuditEvent(
            actor=actor_name,
            actor_user_id=actor_user_id,
            action=action,
            entity_type=str(getattr(type(entity), "__tablename__", type(entity).__name__)),
            entity_id=getattr(entity, "id", None),
            detail=detail or {},
        )
    )
