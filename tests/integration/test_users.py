"""Creating users, resetting passwords and deactivating accounts, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.models import AuditEvent, AuthSession, Role, SignInThrottle, User
from agent_workspace.services.accounts import auth, users
from agent_workspace.services.errors import AccessDenied, InvalidInput, NotFound
from tests.support.factories import make_user

PASSWORD = "a-long-enough-secret"


def _audit(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def _add(username: str = "root", /, **overrides: object) -> users.UserView:
    values: dict[str, object] = {
        "username": username,
        "display_name": "Root Admin",
        "password": PASSWORD,
        "roles": (Role.ADMIN,),
        "via": "cli",
    }
    values.update(overrides)
    return users.add_user(**values)  # type: ignore[arg-type]


def test_an_added_user_signs_in_with_their_roles_and_the_system_is_audited(engine: Engine) -> None:
    view = _add("Root", roles=(Role.ADMIN, Role.SUPERVISOR), email="root@example.com")
    assert (view.username, view.is_active) == ("root", True)
    assert set(view.roles) == {Role.ADMIN, Role.SUPERVISOR}
    _, actor = auth.sign_in(username="root", password=PASSWORD)
    assert actor.roles == {Role.ADMIN, Role.SUPERVISOR}
    (event,) = _audit(engine, "user.created")
    assert (event.actor, event.actor_user_id, event.entity_id) == ("system", None, view.id)
    assert event.detail["via"] == "cli"
    assert PASSWORD not in str(event.detail)


def test_the_first_admin_is_noticed(engine: Engine) -> None:
    assert not users.has_active_admin()
    _add(roles=(Role.AGENT,))
    assert not users.has_active_admin()
    _add("ada")
    assert users.has_active_admin()


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"password": "too-short"}, "at least 12 characters"),
        ({"password": "root"}, "at least 12"),
        ({"password": "password1234"}, "too easy to guess. This is a very common password."),
        ({"password": "aaaaaaaaaaaa"}, "too easy to guess. Repeats like"),
        ({"username": "john doe"}, "letters"),
        ({"display_name": "  "}, "display name"),
        ({"display_name": "x" * 121}, "display name"),
        ({"display_name": "Mallory\n2026-01-01 00:00:00 UTC  Ada"}, r"line break \(U\+000A\)"),
        ({"display_name": "Mal\rlory"}, r"U\+000D"),
        ({"display_name": "Mal\x00lory"}, r"U\+0000"),
        ({"display_name": "Mal\tlory"}, r"tab \(U\+0009\)"),
        ({"display_name": "Mal\u2028lory"}, r"U\+2028"),
        ({"display_name": "Mallory \u202eknil.exe"}, r"U\+202E"),
        ({"display_name": "\u2066Mallory"}, r"U\+2066"),
        ({"email": "not-an-email"}, "e-mail"),
        ({"roles": ()}, "at least one role"),
    ],
)
def test_bad_input_is_refused_with_the_rule_and_nothing_is_written(
    engine: Engine, overrides: dict[str, object], why: str
) -> None:
    values = dict(overrides)  # the parameters are shared by both databases' runs
    with pytest.raises(InvalidInput, match=why):
        _add(str(values.pop("username", "root")), **values)
    with Session(engine) as session:
        assert session.exec(select(User)).all() == []
        assert session.exec(select(AuditEvent)).all() == []


def test_a_taken_username_is_refused_whatever_its_case(engine: Engine) -> None:
    _add("root")
    with pytest.raises(InvalidInput, match="taken"):
        _add(" ROOT ")


def test_roles_are_read_by_name_and_unknown_ones_list_the_valid_roles() -> None:
    assert users.parse_role("supervisor") is Role.SUPERVISOR
    with pytest.raises(InvalidInput) as refusal:
        users.parse_role("boss")
    assert str(refusal.value) == (
        "Unknown role 'boss'. Valid roles: agent_workspace_user, supervisor, admin."
    )


def test_reset_password_replaces_it_signs_every_session_out_and_lifts_a_lock(
    engine: Engine,
) -> None:
    make_user("alice")  # signs in once itself
    first, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    second, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    for _ in range(ACCOUNT_FROM_ADDRESS.failures):
        with pytest.raises(AccessDenied):
            auth.sign_in(username="alice", password="a-wrong-guess")
    assert users.reset_password(username="Alice", password=PASSWORD, via="cli") == 3
    assert auth.actor_for_token(first) is None
    assert auth.actor_for_token(second) is None
    with Session(engine) as session:
        held = select(SignInThrottle).where(col(SignInThrottle.user_id).is_not(None))
        assert session.exec(held).all() == []
    auth.sign_in(username="alice", password=PASSWORD)
    with pytest.raises(AccessDenied):
        auth.sign_in(username="alice", password="alice-pass-phrase")
    (event,) = _audit(engine, "user.password_reset")
    assert event.actor == "system"
    assert event.detail == {"via": "cli", "sessions_revoked": 3}


def test_reset_refuses_a_weak_password_and_changes_nothing(engine: Engine) -> None:
    make_user("alice")
    with pytest.raises(InvalidInput, match="at least 12"):
        users.reset_password(username="alice", password="short", via="cli")
    with pytest.raises(InvalidInput, match="too easy to guess"):
        users.reset_password(username="alice", password="alice1234567", via="cli")
    auth.sign_in(username="alice", password="alice-pass-phrase")


def test_an_unknown_username_is_not_found(engine: Engine) -> None:
    with pytest.raises(NotFound, match="No user named 'mallory'"):
        users.reset_password(username="mallory", password=PASSWORD, via="cli")
    with pytest.raises(NotFound, match="No user named 'mallory'"):
        users.deactivate_user(username="mallory", via="cli")


def test_deactivating_signs_the_user_out_and_refuses_sign_in(engine: Engine) -> None:
    make_user("alice")  # signs in once itself
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    assert users.deactivate_user(username="alice", via="cli").changed is True
    assert auth.actor_for_token(token) is None
    with pytest.raises(AccessDenied, match="Unknown username or wrong password"):
        auth.sign_in(username="alice", password="alice-pass-phrase")
    with Session(engine) as session:
        sessions = session.exec(select(AuthSession)).all()
    assert all(s.revoked_at is not None for s in sessions)
    (event,) = _audit(engine, "user.deactivated")
    assert event.detail == {"via": "cli", "sessions_revoked": 2}


def test_deactivating_an_inactive_user_changes_nothing_and_writes_no_audit(
    engine: Engine,
) -> None:
    make_user("alice")
    users.deactivate_user(username="alice", via="cli")
    with Session(engine) as session:
        before = session.exec(select(col(AuditEvent.id))).all()
    assert users.deactivate_user(username="alice", via="cli").changed is False
    with Session(engine) as session:
        assert session.exec(select(col(AuditEvent.id))).all() == before


def test_from_a_screen_only_an_administrator_manages_accounts(engine: Engine) -> None:
    agent = make_user("alice")
    admin = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(AccessDenied, match="admin"):
        _add("bob", actor=agent, via="admin screen")
    with pytest.raises(AccessDenied, match="admin"):
        users.deactivate_user(username="ada", actor=agent, via="admin screen")
    _add("bob", actor=admin, via="admin screen")
    (event,) = [e for e in _audit(engine, "user.created") if e.detail.get("username") == "bob"]
    assert (event.actor, event.actor_user_id) == ("user", admin.user_id)
