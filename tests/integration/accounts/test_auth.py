"""Sign-in, sessions and roles through the real services and database."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.models import AuditEvent, AuthSession, Role, User, utcnow
from agent_workspace.services.accounts import auth
from agent_workspace.services.errors import AccessDenied
from tests.support.factories import make_user


def test_sign_in_returns_a_token_that_resolves_to_the_user_and_roles(engine: Engine) -> None:
    make_user("alice", roles=(Role.AGENT, Role.SUPERVISOR))
    token, actor = auth.sign_in(username="Alice ", password="alice-pass-phrase")
    resolved = auth.actor_for_token(token)
    assert resolved == actor
    assert resolved is not None
    assert resolved.roles == {Role.AGENT, Role.SUPERVISOR}


def test_passwords_are_stored_hashed(engine: Engine) -> None:
    make_user("alice")
    with Session(engine) as session:
        user = session.exec(select(User)).one()
    assert "alice-pass-phrase" not in user.password_hash
    assert user.password_hash.startswith("$2")


def test_wrong_password_and_unknown_user_get_the_same_refusal(engine: Engine) -> None:
    make_user("alice")
    with pytest.raises(AccessDenied, match="Unknown username or wrong password"):
        auth.sign_in(username="alice", password="nope-nope-nope")
    with pytest.raises(AccessDenied, match="Unknown username or wrong password"):
        auth.sign_in(username="mallory", password="alice-pass-phrase")


def test_disabled_user_cannot_sign_in(engine: Engine) -> None:
    make_user("alice")
    with transaction() as session:
        user = session.exec(select(User)).one()
        user.is_active = False
    with pytest.raises(AccessDenied, match="Unknown username or wrong password"):
        auth.sign_in(username="alice", password="alice-pass-phrase")


def test_expired_session_no_longer_resolves(engine: Engine) -> None:
    make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    with transaction() as session:
        for row in session.exec(select(AuthSession)).all():
            row.expires_at = utcnow() - timedelta(seconds=1)
    assert auth.actor_for_token(token) is None


def test_sign_out_revokes_the_token(engine: Engine) -> None:
    make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    auth.sign_out(token)
    assert auth.actor_for_token(token) is None
    assert auth.actor_for_token("") is None
    assert auth.actor_for_token("made-up") is None


def test_sign_in_and_out_are_audited(engine: Engine) -> None:
    make_user("alice")
    token, actor = auth.sign_in(username="alice", password="alice-pass-phrase")
    auth.sign_out(token)
    with Session(engine) as session:
        actions = [(e.action, e.actor_user_id) for e in session.exec(select(AuditEvent)).all()]
    assert ("auth.signed_in", actor.user_id) in actions
    assert ("auth.signed_out", actor.user_id) in actions


def _fail(times: int, username: str = "alice") -> None:
    for _ in range(times):
        with pytest.raises(AccessDenied, match="wrong password"):
            auth.sign_in(username=username, password="not-the-password")


def test_repeated_wrong_passwords_pause_sign_in_for_a_while(engine: Engine) -> None:
    make_user("alice")
    _fail(ACCOUNT_FROM_ADDRESS.failures)
    with pytest.raises(AccessDenied, match="paused for 15 minutes"):
        auth.sign_in(username="alice", password="alice-pass-phrase")
    with Session(engine) as session:
        failures = session.exec(
            select(AuditEvent).where(AuditEvent.action == auth.FAILED_SIGN_IN)
        ).all()
    assert len(failures) == ACCOUNT_FROM_ADDRESS.failures


def test_a_successful_sign_in_resets_the_count(engine: Engine) -> None:
    make_user("alice")
    _fail(ACCOUNT_FROM_ADDRESS.failures - 1)
    auth.sign_in(username="alice", password="alice-pass-phrase")
    _fail(ACCOUNT_FROM_ADDRESS.failures - 1)
    auth.sign_in(username="alice", password="alice-pass-phrase")


def test_unknown_usernames_are_not_locked_and_reveal_nothing(engine: Engine) -> None:
    _fail(ACCOUNT_FROM_ADDRESS.failures + 1, username="mallory")
