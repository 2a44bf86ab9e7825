"""Passwords and sign-in sessions (accounts themselves live in users.py)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

import bcrypt
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.models import AuditEvent, AuthSession, Role, User, UserRole, utcnow
from agent_workspace.services.access import Actor
from agent_workspace.services.audit import record
from agent_workspace.services.errors import AccessDenied

MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
FAILED_SIGN_IN = "auth.sign_in_failed"
# Compared against when the username is unknown, so timing does not reveal which usernames exist.
_DUMMY_HASH = bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=4))


def hash_password(password: str) -> str:
    rounds = get_settings().bcrypt_rounds
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(password.encode(), password_hash.encode())


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _actor_for(session: Session, user: User) -> Actor:
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    assert user.id is not None
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(Role(r) for r in roles),
    )


def sign_in(*, username: str, password: str, engine: Engine | None = None) -> tuple[str, Actor]:
    """Checks the password and opens a session; returns the raw token (stored only hashed).

    After MAX_FAILURES wrong passwords in LOCKOUT the account refuses sign-in until the window
    passes, so passwords cannot be guessed at speed; each failure is audited.
    """
    with transaction(engine) as session:
        user = session.exec(select(User).where(User.username == username.strip().lower())).first()
        if user is None:
            bcrypt.checkpw(password.encode(), _DUMMY_HASH)
            raise AccessDenied("Unknown username or wrong password.")
        if _recent_failures(session, user) >= MAX_FAILURES:
            minutes = int(LOCKOUT.total_seconds() // 60)
            raise AccessDenied(
                f"Too many wrong passwords for this account. Try again in {minutes} minutes "
                "or ask an administrator."
            )
        correct = verify_password(password, user.password_hash)
        if correct and not user.is_active:
            raise AccessDenied("This account is disabled. Ask an administrator.")
        if correct:
            return _open_session(session, user)
        record(session=session, actor=None, action=FAILED_SIGN_IN, entity=user)
    # Outside the transaction, so the failure stays recorded.
    raise AccessDenied("Unknown username or wrong password.")


def _recent_failures(session: Session, user: User) -> int:
    """Wrong passwords since the last successful sign-in, within the lockout window."""
    since = utcnow() - LOCKOUT
    events = session.exec(
        select(AuditEvent.action)
        .where(
            AuditEvent.entity_type == User.__tablename__,
            AuditEvent.entity_id == user.id,
            col(AuditEvent.action).in_([FAILED_SIGN_IN, "auth.signed_in"]),
            col(AuditEvent.at) >= since,
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
    ).all()
    failures = 0
    for action in events:
        if action != FAILED_SIGN_IN:
            break
        failures += 1
    return failures


def _open_session(session: Session, user: User) -> tuple[str, Actor]:
    token = secrets.token_urlsafe(32)
    hours = get_settings().session_hours
    assert user.id is not None
    session.add(
        AuthSession(
            token_hash=_token_hash(token),
            user_id=user.id,
            expires_at=utcnow() + timedelta(hours=hours),
        )
    )
    actor = _actor_for(session, user)
    record(session=session, actor=actor, action="auth.signed_in", entity=user)
    return token, actor


def actor_for_token(token: str, *, engine: Engine | None = None) -> Actor | None:
    """The user behind a live session token, or None if it is unknown, expired or revoked."""
    if not token:
        return None
    with reading(engine) as session:
        row = session.exec(
            select(AuthSession, User)
            .join(User, col(User.id) == AuthSession.user_id)
            .where(AuthSession.token_hash == _token_hash(token))
        ).first()
        if row is None:
            return None
        auth_session, user = row
        if auth_session.revoked_at is not None or auth_session.expires_at <= utcnow():
            return None
        if not user.is_active:
            return None
        return _actor_for(session, user)


def sign_out(token: str, *, engine: Engine | None = None) -> None:
    """Revokes the session so the token can never be used again."""
    if not token:
        return
    with transaction(engine) as session:
        auth_session = session.exec(
            select(AuthSession).where(AuthSession.token_hash == _token_hash(token))
        ).first()
        if auth_session is None or auth_session.revoked_at is not None:
            return
        auth_session.revoked_at = utcnow()
        session.add(auth_session)
        record(
            session=session,
            actor=None,
            actor_user_id=auth_session.user_id,
            action="auth.signed_out",
            entity=auth_session,
        )
