"""Passwords and sign-in sessions (accounts themselves live in users.py)."""

from __future__ import annotations

import functools
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

import bcrypt
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.addresses import client_key
from agent_workspace.domain.availability import Presence
from agent_workspace.domain.credentials import (
    MAX_PASSWORD_BYTES,
    SESSION_TOKEN_BYTES,
    is_session_token,
    normalise_username,
    too_long_for_bcrypt,
)
from agent_workspace.domain.throttle import WINDOW
from agent_workspace.models import AuthSession, Role, User, UserRole, utcnow
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import throttle
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.interactions.assignment import hand_out_waiting

FAILED_SIGN_IN = AuditAction.AUTH_SIGN_IN_FAILED
SIGN_IN_REFUSED = (
    "Unknown username or wrong password. After repeated failed tries sign-in is paused for "
    f"{int(WINDOW.total_seconds() // 60)} minutes (an administrator can lift it sooner)."
)
TOO_LONG = (
    f"Passwords are at most {MAX_PASSWORD_BYTES} bytes (UTF-8); the one entered is longer, "
    "so it cannot be right."
)


def hash_password(password: str) -> str:
    rounds = get_settings().bcrypt_rounds
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=rounds)).decode()


def verify_password(password: str, password_hash: str) -> bool:
    return bcrypt.checkpw(password.encode(), password_hash.encode())


def token_hash(token: str) -> str:
    """What is stored of a session token (and what live feeds remember a tab by)."""
    return hashlib.sha256(token.encode()).hexdigest()


def _actor_for(session: Session, user: User, session_id: int | None = None) -> Actor:
    roles = session.exec(select(UserRole.role).where(UserRole.user_id == user.id)).all()
    assert user.id is not None
    return Actor(
        user_id=user.id,
        username=user.username,
        display_name=user.display_name,
        roles=frozenset(Role(r) for r in roles),
        session_id=session_id,
    )


def sign_in(
    *, username: str, password: str, client_address: str = "", engine: Engine | None = None
) -> tuple[str, Actor]:
    """Checks the password and opens a session; returns the raw token (stored only hashed).

    `client_address` is where the try comes from (the connection, or a trusted proxy's
    X-Forwarded-For): input, used only to count tries (services/accounts/throttle.py). Each try
    is counted before the password is checked, so parallel guesses cannot slip past a pause;
    bcrypt runs with no transaction open. Unknown, wrong, paused and deactivated all get the
    same answer after the same bcrypt work, so nothing tells which usernames exist or which
    password was right. A password longer than bcrypt reads is refused in words before
    anything is counted: it cannot be anyone's.
    """
    if too_long_for_bcrypt(password):
        raise InvalidInput(TOO_LONG)
    client = client_key(client_address)
    attempt = _reserve_attempt(normalise_username(username), client, engine)
    if attempt is None:
        bcrypt.checkpw(password.encode(), _dummy_hash())
        raise AccessDenied(SIGN_IN_REFUSED)
    correct = verify_password(password, attempt.password_hash)
    with transaction(engine) as session:
        user = session.get(User, attempt.user_id)
        if (
            user is not None
            and user.is_active
            and correct
            and user.password_hash == attempt.password_hash
        ):
            throttle.forgive(session, user_id=attempt.user_id, client=client, now=utcnow())
            return _open_session(session, user)
        if user is not None:
            record(session=session, actor=None, action=FAILED_SIGN_IN, entity=user)
    raise AccessDenied(SIGN_IN_REFUSED)


@dataclass(frozen=True)
class _Attempt:
    user_id: int
    password_hash: str


def _reserve_attempt(username: str, client: str, engine: Engine | None) -> _Attempt | None:
    """Counts one try against the client's address and the account; None when the username is
    unknown, or the address or the account (from anywhere or from this address) is paused."""
    with transaction(engine) as session:
        found = session.exec(
            select(User.id, User.password_hash).where(User.username == username)
        ).first()
        user_id = found[0] if found is not None else None
        counted = throttle.reserve(session, user_id=user_id, client=client, now=utcnow())
    if not counted or found is None or user_id is None:
        return None
    return _Attempt(user_id, found[1])


@functools.cache
def _dummy_hash_for(rounds: int) -> bytes:
    return bcrypt.hashpw(b"not-a-real-password", bcrypt.gensalt(rounds=rounds))


def _dummy_hash() -> bytes:
    """Checked when there is no real hash to check, at the cost real hashes have."""
    return _dummy_hash_for(get_settings().bcrypt_rounds)


def _open_session(session: Session, user: User) -> tuple[str, Actor]:
    token = secrets.token_urlsafe(SESSION_TOKEN_BYTES)
    hours = get_settings().session_hours
    assert user.id is not None
    opened = AuthSession(
        token_hash=token_hash(token), user_id=user.id, expires_at=utcnow() + timedelta(hours=hours)
    )
    session.add(opened)
    session.flush()
    actor = _actor_for(session, user, opened.id)
    record(session=session, actor=actor, action=AuditAction.AUTH_SIGNED_IN, entity=user)
    events.after_commit(session, events.TeamChanged())  # no longer Offline for want of one
    if user.presence == Presence.AVAILABLE.value:  # Available again: what waits comes to them
        hand_out_waiting(session)
    return token, actor


def actor_for_token(token: str, *, engine: Engine | None = None) -> Actor | None:
    """The user behind a live session token, or None if it is unknown, expired or revoked (or
    is no token: the browser sends it back, any value of any size)."""
    if not is_session_token(token):
        return None
    with reading(engine) as session:
        row = session.exec(
            select(AuthSession, User)
            .join(User, col(User.id) == AuthSession.user_id)
            .where(AuthSession.token_hash == token_hash(token))
        ).first()
        if row is None:
            return None
        auth_session, user = row
        if auth_session.revoked_at is not None or auth_session.expires_at <= utcnow():
            return None
        if not user.is_active:
            return None
        return _actor_for(session, user, auth_session.id)


def sign_out(token: str, *, engine: Engine | None = None) -> None:
    """Revokes the session so the token can never be used again."""
    if not is_session_token(token):
        return
    with transaction(engine) as session:
        auth_session = session.exec(
            select(AuthSession).where(AuthSession.token_hash == token_hash(token))
        ).first()
        if auth_session is None or auth_session.revoked_at is not None:
            return
        auth_session.revoked_at = utcnow()
        session.add(auth_session)
        forget_views(session, [auth_session.id])
        record(
            session=session,
            actor=None,
            actor_user_id=auth_session.user_id,
            action=AuditAction.AUTH_SIGNED_OUT,
            entity=auth_session,
        )


def forget_views(session: Session, session_ids: Iterable[int | None]) -> None:
    """An ended session shows nothing live any more (called where sessions are revoked): the
    notifier is told after commit, and takes its views with their copies (live_views.py).
    Pushes already skip them: they go to sessions that are valid now."""
    if any(i is not None for i in session_ids):
        events.after_commit(session, events.SessionsEnded())
        events.after_commit(session, events.TeamChanged())  # they may be Offline now
