"""Workspace accounts: who may sign in, with which roles (the CLI and the admin screen).

Each action runs in one transaction and writes one audit row naming who acted and through what
(`via`: "cli", an admin page, ...). The CLI acts as the system (`actor=None`): whoever runs it
already holds the server. A screen passes the signed-in Actor, who must be an administrator.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.db.locks import advisory_lock
from agent_workspace.domain.credentials import (
    normalise_username,
    password_problem,
    username_problem,
)
from agent_workspace.domain.names import display_name_problem
from agent_workspace.models import (
    ACTIVE_STATES,
    AuthSession,
    Interaction,
    Role,
    User,
    UserRole,
    utcnow,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts import throttle
from agent_workspace.services.accounts.auth import forget_views, hash_password
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput, NotFound
from agent_workspace.services.interactions.lists import InteractionRow, rows_view

MAX_EMAIL = 254
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
VALID_ROLES = ", ".join(r.value for r in Role)
# Changes that could leave the workspace without an administrator happen one at a time.
ADMIN_LOCK = "accounts:admins"


@dataclass(frozen=True)
class UserView:
    """What callers get back: plain values, never a live ORM row."""

    id: int
    username: str
    display_name: str
    email: str | None
    roles: tuple[Role, ...]
    is_active: bool
    paused: bool = False  # sign-in paused after failed tries (only the admin's list fills it)


def parse_role(name: str) -> Role:
    """A role from its name as stored (`agent_workspace_user`, `supervisor`, `admin`)."""
    try:
        return Role(name.strip())
    except ValueError:
        raise InvalidInput(f"Unknown role {name!r}. Valid roles: {VALID_ROLES}.") from None


def create_user(
    *,
    session: Session,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    email: str | None = None,
    actor: Actor | None = None,
    via: str | None = None,
) -> User:
    """Adds a user with hashed password and roles, in the caller's transaction (demo data
    loads all its users in one); `add_user` is the action that owns its transaction."""
    username = normalise_username(username)
    display_name = display_name.strip()
    roles = sorted(set(roles), key=list(Role).index)
    problems = account_problems(
        username=username, display_name=display_name, password=password, email=email, roles=roles
    )
    if (
        not problems.get("username")
        and session.exec(select(User.id).where(User.username == username)).first()
    ):
        problems = {"username": f"The username {username!r} is taken.", **problems}
    if problems:
        raise FieldProblems(problems)
    user = User(
        username=username,
        display_name=display_name,
        email=email,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    assert user.id is not None
    for role in roles:
        session.add(UserRole(user_id=user.id, role=role))
    detail: dict[str, object] = {"username": username, "roles": [r.value for r in roles]}
    record(
        session=session,
        actor=actor,
        action=AuditAction.USER_CREATED,
        entity=user,
        detail=detail,
        via=via,
    )
    return user


def account_problems(
    *,
    username: str,
    display_name: str,
    password: str,
    email: str | None,
    roles: list[Role],
) -> dict[str, str]:
    """Every rule a new account breaks, by field, in the order a person reads the form."""
    problems = {
        "username": username_problem(username) or "",
        "password": password_problem(password, username=username) or "",
        "display_name": display_name_problem(display_name) or "",
        "email": (
            ""
            if email is None or (len(email) <= MAX_EMAIL and _EMAIL.fullmatch(email))
            else f"{email!r} is not an e-mail address."
        ),
        "roles": "" if roles else f"Give the user at least one role ({VALID_ROLES}).",
    }
    return {field: why for field, why in problems.items() if why}


def add_user(
    *,
    username: str,
    display_name: str,
    password: str,
    roles: Iterable[Role],
    via: str,
    email: str | None = None,
    actor: Actor | None = None,
    engine: Engine | None = None,
) -> UserView:
    """Creates an account (the first administrator, or anyone after)."""
    _check_may_manage(actor)
    with transaction(engine) as session:
        user = create_user(
            session=session,
            username=username,
            display_name=display_name,
            password=password,
            roles=roles,
            email=email,
            actor=actor,
            via=via,
        )
        return view_of(session, user)


def reset_password(
    *,
    username: str,
    password: str,
    via: str,
    actor: Actor | None = None,
    engine: Engine | None = None,
) -> int:
    """Sets a new password and signs the user out everywhere; returns the sessions revoked.

    Also lifts a sign-in lock, so "ask an administrator" is a way back in.
    """
    _check_may_manage(actor)
    with transaction(engine) as session:
        user = user_for_update(session, username)
        problem = password_problem(password, username=user.username)
        if problem:
            raise InvalidInput(problem)
        user.password_hash = hash_password(password)
        session.add(user)
        assert user.id is not None
        throttle.clear_account(session, user.id, utcnow())
        revoked = revoke_sessions(session, user)
        record(
            session=session,
            actor=actor,
            action=AuditAction.USER_PASSWORD_RESET,
            entity=user,
            detail={"via": via, "sessions_revoked": revoked},
        )
        return revoked


def unlock_user(
    *, username: str, via: str, actor: Actor | None = None, engine: Engine | None = None
) -> bool:
    """Lifts every sign-in pause of the account (from any address) and clears its counts;
    returns whether it was paused. Audited only when something was lifted.

    The way back in for someone whose account was guessed at, without a new password; an
    address's own pause (many accounts guessed from it) is not the account's and ends by itself.
    """
    _check_may_manage(actor)
    with transaction(engine) as session:
        user = user_for_update(session, username)
        assert user.id is not None
        if not throttle.clear_account(session, user.id, utcnow()):
            return False
        record(
            session=session,
            actor=actor,
            action=AuditAction.USER_SIGN_IN_UNLOCKED,
            entity=user,
            detail={"via": via},
        )
        return True


@dataclass(frozen=True)
class Deactivation:
    """What deactivating did: whether anything changed, and the work left to reassign."""

    changed: bool
    sessions_revoked: int
    open_interactions: tuple[InteractionRow, ...]


def deactivate_user(
    *, username: str, via: str, actor: Actor | None = None, engine: Engine | None = None
) -> Deactivation:
    """Stops the user signing in and ends their sessions at once (every handler and live push
    re-checks the session); lists their open interactions so someone can reassign them.

    An administrator cannot deactivate themself: that is how a workspace loses its last admin.
    """
    _check_may_manage(actor)
    with transaction(engine) as session:
        advisory_lock(session, ADMIN_LOCK)
        user = user_for_update(session, username)
        if actor is not None and user.id == actor.user_id:
            raise AccessDenied("You cannot deactivate your own account.")
        changed = user.is_active
        revoked = 0
        if changed:
            user.is_active = False
            session.add(user)
            revoked = revoke_sessions(session, user)
            record(
                session=session,
                actor=actor,
                action=AuditAction.USER_DEACTIVATED,
                entity=user,
                detail={"via": via, "sessions_revoked": revoked},
            )
        return Deactivation(changed, revoked, tuple(_open_work(session, user)))


def reactivate_user(
    *, username: str, via: str, actor: Actor | None = None, engine: Engine | None = None
) -> bool:
    """Lets a deactivated user sign in again (their ended sessions stay ended); returns whether
    it changed anything."""
    _check_may_manage(actor)
    with transaction(engine) as session:
        advisory_lock(session, ADMIN_LOCK)
        user = user_for_update(session, username)
        if user.is_active:
            return False
        user.is_active = True
        session.add(user)
        record(
            session=session,
            actor=actor,
            action=AuditAction.USER_REACTIVATED,
            entity=user,
            detail={"via": via},
        )
        return True


def open_work_of(
    *, actor: Actor | None, username: str, engine: Engine | None = None
) -> list[InteractionRow]:
    """The open interactions a user holds, for an administrator to hand on (a deactivated
    agent's, which only a supervisor or an administrator may reassign)."""
    _check_may_manage(actor)
    with reading(engine) as session:
        user = session.exec(select(User).where(User.username == normalise_username(username)))
        found = user.first()
        if found is None:
            raise NotFound(f"No user named {normalise_username(username)!r}.")
        return _open_work(session, found)


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


def _open_work(session: Session, user: User) -> list[InteractionRow]:
    found = session.exec(
        select(Interaction)
        .where(
            Interaction.assigned_agent_id == user.id,
            col(Interaction.state).in_(list(ACTIVE_STATES)),
        )
        .order_by(col(Interaction.updated_at).desc())
    ).all()
    return rows_view(session, found)


def _check_may_manage(actor: Actor | None) -> None:
    if actor is not None:
        require_role(actor, Role.ADMIN)


def user_for_update(session: Session, username: str) -> User:
    name = normalise_username(username)
    user = session.exec(select(User).where(User.username == name).with_for_update()).first()
    if user is None:
        raise NotFound(f"No user named {name!r}.")
    return user


def revoke_sessions(session: Session, user: User) -> int:
    """Ends every live session of the user (deactivated, a role removed, a new password)."""
    now = utcnow()
    live = session.exec(
        select(AuthSession).where(
            AuthSession.user_id == user.id,
            col(AuthSession.revoked_at).is_(None),
            col(AuthSession.expires_at) > now,
        )
    ).all()
    for auth_session in live:
        auth_session.revoked_at = now
        session.add(auth_session)
    forget_views(session, [a.id for a in live])
    return len(live)


def view_of(session: Session, user: User) -> UserView:
    assert user.id is not None
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    return UserView(
        id=user.id,
        username=user.username,
        display_name=user.display_name,
        email=user.email,
        roles=tuple(sorted((Role(r) for r in roles), key=list(Role).index)),
        is_active=user.is_active,
    )
