"""Roles an administrator grants and revokes, and the list of accounts they manage.

Kept beside users.py (accounts themselves) so each stays short. Two rules keep a workspace
usable: an administrator cannot remove their own admin role while nobody else holds it (the
workspace would have no administrator), and every account keeps at least one role
(deactivate it instead). Changes that could remove an administrator hold one lock, so two
admins demoting themselves at the same moment cannot both succeed.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.db.locks import advisory_lock
from agent_workspace.models import Role, User, UserRole, utcnow
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts import throttle
from agent_workspace.services.accounts.users import (
    ADMIN_LOCK,
    UserView,
    revoke_sessions,
    user_for_update,
    view_of,
)
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput

LISTED = 500  # accounts the admin page lists at once


def list_users(*, actor: Actor | None, engine: Engine | None = None) -> list[UserView]:
    """Every account, active first, then by username, with whether its sign-in is paused."""
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        found = session.exec(
            select(User).order_by(col(User.is_active).desc(), col(User.username)).limit(LISTED)
        ).all()
        paused = throttle.paused_accounts(session, [u.id for u in found if u.id], utcnow())
        return [replace(view_of(session, u), paused=u.id in paused) for u in found]


def list_agents(*, actor: Actor | None, engine: Engine | None = None) -> list[UserView]:
    """Active accounts with the agent role: who work can be reassigned to (by supervisors, and
    by administrators handing on a deactivated agent's work)."""
    if actor is None or not actor.has(Role.ADMIN):
        require_role(actor, Role.SUPERVISOR)
    with reading(engine) as session:
        found = session.exec(
            select(User)
            .join(UserRole, col(UserRole.user_id) == User.id)
            .where(UserRole.role == Role.AGENT, col(User.is_active))
            .order_by(col(User.display_name), col(User.id))
        ).all()
        return [view_of(session, u) for u in found]


def grant_role(
    *, actor: Actor | None, username: str, role: Role, engine: Engine | None = None
) -> tuple[UserView, bool]:
    """Gives the user `role`; returns their account and whether it changed (a role they
    already hold, e.g. granted by another admin a moment ago, writes nothing)."""
    admin = require_role(actor, Role.ADMIN)
    with transaction(engine) as session:
        user = user_for_update(session, username)
        assert user.id is not None
        if role in _roles(session, user.id):
            return view_of(session, user), False
        session.add(UserRole(user_id=user.id, role=role))
        record(
            session=session,
            actor=admin,
            action=AuditAction.USER_ROLE_GRANTED,
            entity=user,
            detail={"username": user.username, "role": role.value},
        )
        session.flush()
        return view_of(session, user), True


def revoke_role(
    *, actor: Actor | None, username: str, role: Role, engine: Engine | None = None
) -> tuple[UserView, bool]:
    """Takes `role` away; returns the account and whether it changed. Refuses to remove an
    administrator's own admin role while nobody else can administer, or anyone's last role."""
    admin = require_role(actor, Role.ADMIN)
    with transaction(engine) as session:
        advisory_lock(session, ADMIN_LOCK)
        user = user_for_update(session, username)
        assert user.id is not None
        held = _roles(session, user.id)
        if role not in held:
            return view_of(session, user), False
        if held == {role}:
            raise InvalidInput(
                f"{role.value} is {user.username}'s only role; an account keeps at least one "
                "(deactivate it instead)."
            )
        if role is Role.ADMIN and user.id == admin.user_id and not _other_admins(session, user.id):
            raise InvalidInput(
                "You are the only active administrator: grant the admin role to someone else "
                "before removing your own."
            )
        link = session.get(UserRole, (user.id, role))
        assert link is not None
        session.delete(link)
        # What they may see changed: their tabs go to sign-in, and they come back with the
        # roles they have now (a session's roles are read when it acts, its feeds when linked).
        revoked = revoke_sessions(session, user)
        record(
            session=session,
            actor=admin,
            action=AuditAction.USER_ROLE_REVOKED,
            entity=user,
            detail={"username": user.username, "role": role.value, "sessions_revoked": revoked},
        )
        session.flush()
        return view_of(session, user), True


def _roles(session: Session, user_id: int) -> set[Role]:
    rows = session.exec(select(UserRole.role).where(UserRole.user_id == user_id)).all()
    return {Role(r) for r in rows}


def _other_admins(session: Session, user_id: int) -> bool:
    found = session.exec(
        select(User.id)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(UserRole.role == Role.ADMIN, col(User.is_active), User.id != user_id)
        .limit(1)
    ).first()
    return found is not None
