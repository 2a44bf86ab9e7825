"""Administrators manage accounts from the screen: create, roles, deactivate, reset."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import AuditEvent, Role
from agent_workspace.services.accounts import auth, roles, users
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PASSWORD = "a-long-enough-secret"
VIA = "admin page"


def _audit(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_an_admin_creates_an_agent_who_signs_in_and_the_admin_is_recorded(
    engine: Engine,
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    view = users.add_user(
        username="Nina",
        display_name="Nina Novak",
        password=PASSWORD,
        roles=(Role.AGENT,),
        actor=ada,
        via=VIA,
    )
    _, nina = auth.sign_in(username="nina", password=PASSWORD)
    assert nina.roles == {Role.AGENT} and view.display_name == "Nina Novak"
    (event,) = [e for e in _audit(engine, "user.created") if e.entity_id == view.id]
    assert (event.actor_user_id, event.detail["via"]) == (ada.user_id, VIA)


def test_every_broken_rule_is_reported_next_to_its_field(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(FieldProblems) as refused:
        users.add_user(
            username="ada",
            display_name=" ",
            password="short",
            roles=(),
            email="nope",
            actor=ada,
            via=VIA,
        )
    problems = refused.value.problems
    assert problems["username"] == "The username 'ada' is taken."
    assert "at least 12 characters" in problems["password"]
    assert "display name" in problems["display_name"]
    assert "e-mail" in problems["email"]
    assert "at least one role" in problems["roles"]
    assert len(_audit(engine, "user.created")) == 1  # ada herself, nothing more


def test_roles_are_granted_and_revoked_once_and_each_change_is_audited(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_user("alice")
    view, changed = roles.grant_role(actor=ada, username="alice", role=Role.SUPERVISOR)
    assert changed and set(view.roles) == {Role.AGENT, Role.SUPERVISOR}
    assert roles.grant_role(actor=ada, username="alice", role=Role.SUPERVISOR)[1] is False
    view, changed = roles.revoke_role(actor=ada, username="alice", role=Role.SUPERVISOR)
    assert changed and view.roles == (Role.AGENT,)
    assert roles.revoke_role(actor=ada, username="alice", role=Role.SUPERVISOR)[1] is False
    (granted,) = _audit(engine, "user.role_granted")
    (revoked,) = _audit(engine, "user.role_revoked")
    assert granted.detail == {"username": "alice", "role": "supervisor"}
    assert revoked.actor_user_id == ada.user_id


def test_an_admin_cannot_remove_their_own_last_admin_role(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN, Role.AGENT))
    with pytest.raises(InvalidInput, match="only active administrator"):
        roles.revoke_role(actor=ada, username="ada", role=Role.ADMIN)
    make_user("root", roles=(Role.ADMIN,))
    view, changed = roles.revoke_role(actor=ada, username="ada", role=Role.ADMIN)
    assert changed and view.roles == (Role.AGENT,)


def test_an_account_keeps_at_least_one_role(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_user("alice")
    with pytest.raises(InvalidInput, match="only role; an account keeps at least one"):
        roles.revoke_role(actor=ada, username="alice", role=Role.AGENT)
    assert _audit(engine, "user.role_revoked") == []


def test_two_admins_removing_their_own_admin_role_at_once_leave_one_admin(
    engine: Engine,
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN, Role.AGENT))
    root = make_user("root", roles=(Role.ADMIN, Role.AGENT))
    outcomes: list[bool] = []
    start = threading.Barrier(2)

    def demote(actor: object, name: str) -> None:
        start.wait()
        try:
            roles.revoke_role(actor=actor, username=name, role=Role.ADMIN)  # type: ignore[arg-type]
            outcomes.append(True)
        except InvalidInput:
            outcomes.append(False)

    threads = [
        threading.Thread(target=demote, args=(ada, "ada")),
        threading.Thread(target=demote, args=(root, "root")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert users.has_active_admin()


def test_deactivating_ends_sessions_at_once_and_lists_open_work(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    done = users.deactivate_user(username="alice", actor=ada, via=VIA)
    assert done.changed and done.sessions_revoked == 2
    assert [row.number for row in done.open_interactions] == [sent.interaction_number]
    assert auth.actor_for_token(token) is None
    again = users.deactivate_user(username="alice", actor=ada, via=VIA)
    assert not again.changed and len(again.open_interactions) == 1
    (event,) = _audit(engine, "user.deactivated")
    assert event.actor_user_id == ada.user_id


def test_an_admin_cannot_deactivate_themself(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(AccessDenied, match="your own account"):
        users.deactivate_user(username="ada", actor=ada, via=VIA)
    assert _audit(engine, "user.deactivated") == []


def test_an_admin_resets_a_password_and_is_recorded(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_user("alice")
    assert users.reset_password(username="alice", password=PASSWORD, actor=ada, via=VIA) == 1
    auth.sign_in(username="alice", password=PASSWORD)
    (event,) = _audit(engine, "user.password_reset")
    assert event.actor_user_id == ada.user_id


def test_only_administrators_manage_roles_and_list_accounts(engine: Engine) -> None:
    alice = make_user("alice", roles=(Role.AGENT, Role.SUPERVISOR))
    with pytest.raises(AccessDenied, match="admin role"):
        roles.grant_role(actor=alice, username="alice", role=Role.ADMIN)
    with pytest.raises(AccessDenied, match="admin role"):
        roles.revoke_role(actor=alice, username="alice", role=Role.SUPERVISOR)
    with pytest.raises(AccessDenied, match="admin role"):
        roles.list_users(actor=alice)
    with pytest.raises(AccessDenied, match="admin role"):
        users.reset_password(username="alice", password=PASSWORD, actor=alice, via=VIA)
    assert [u.username for u in roles.list_agents(actor=alice)] == ["alice"]
    assert _audit(engine, "user.role_granted") == _audit(engine, "user.role_revoked") == []
