"""Workspace accounts: who may sign in, with which roles (the CLI now, an admin screen later)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from agent_workspace.db.engine import reading
from agent_workspace.models import Role, User, UserRole


def has_active_admin(*, engine: Engine | None = None) -> bool:
    """Whether anyone can administer the workspace yet (a fresh deployment has nobody)."""
    with reading(engine) as session:
        row = session.exec(
            select(User.id)
            .join(UserRole, col(UserRole.user_id) == User.id)
            .where(UserRole.role == Role.ADMIN, col(User.is_active).is_(True))
            .limit(1)
        ).first()
    return row is not None
