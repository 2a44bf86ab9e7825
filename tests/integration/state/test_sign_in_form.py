"""The sign-in form's handler: refusals are words on the form, never a traceback."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.services.accounts import auth
from agent_workspace.state.session import LoginState
from tests.factories import make_user
from tests.integration.state.test_access_checks import run, state_for


def _submit(username: str, password: str) -> LoginState:
    form = state_for(LoginState, "")
    run(LoginState.sign_in.fn(form, {"username": username, "password": password}))  # type: ignore[attr-defined]
    return form


def test_an_overlong_password_is_refused_on_the_form(engine: Engine) -> None:
    make_user("alice")
    form = _submit("alice", "é" * 40)
    assert form.error == auth.TOO_LONG
    assert form.token == ""


def test_a_deactivated_account_reads_like_a_wrong_password(engine: Engine) -> None:
    from agent_workspace.services.accounts import users

    make_user("alice")
    users.deactivate_user(username="alice", via="cli")
    assert _submit("alice", "alice-pass-phrase").error == _submit("mallory", "x" * 12).error
