"""The sign-in form's handler: refusals are words on the form, never a traceback."""

from __future__ import annotations

import re

from reflex.constants import RouteVar
from reflex.istate.data import RouterData
from sqlalchemy.engine import Engine

from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.state.session import LoginState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import make_user


def _submit(username: str, password: str, client_ip: str = "192.0.2.1") -> LoginState:
    """Submits the form from a tab whose connection comes from `client_ip` (Reflex fills the
    router data from the socket's address, or a trusted proxy's X-Forwarded-For)."""
    form = state_for(LoginState, "")
    form._get_root_state().router = RouterData.from_router_data({RouteVar.CLIENT_IP: client_ip})
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


def test_the_form_counts_tries_by_the_tabs_address_so_a_guesser_pauses_only_themself(
    engine: Engine,
) -> None:
    make_user("alice")
    for _ in range(ACCOUNT_FROM_ADDRESS.failures):
        assert _submit("alice", "a-wrong-guess", "203.0.113.9").error == auth.SIGN_IN_REFUSED
    assert _submit("alice", "alice-pass-phrase", "203.0.113.9").token == ""
    owner = _submit("alice", "alice-pass-phrase", "198.51.100.7")
    assert owner.error == ""
    assert auth.actor_for_token(owner.token) is not None


def test_the_login_page_of_a_signed_in_administrator_sends_them_to_administration(
    engine: Engine,
) -> None:
    """The login page's load can run after Sign in (a loaded machine): it must send the tab
    where Sign in would have, not to the workspace, which an administrator cannot use."""
    make_user("root", roles=(Role.ADMIN,))
    form = _submit("root", "root-pass-phrase")
    assert form.token
    assert _tab_after_login_load(form, at="/login") == "/admin"


def _tab_after_login_load(form: LoginState, *, at: str) -> str:
    """Where a tab that is at `at` ends once the login page's load has run and the tab has
    done what it was told (as the browser would: a redirect moves it; a question about its
    location is answered with `at`, to the handler named in the callback)."""
    told = run(LoginState.redirect_if_signed_in.fn(form))  # type: ignore[attr-defined]
    while told is not None:
        name = told.handler.fn.__qualname__
        args = {key._js_expr: value._var_value for key, value in told.args}
        if name == "_redirect":
            return str(args["path"])
        assert name == "_call_script", name
        assert args["javascript_code"] == "window.location.pathname"
        callback = re.search(r"login_state\.(\w+)", str(args["callback"]))
        assert callback, args["callback"]
        told = run(getattr(LoginState, callback.group(1)).fn(form, at))
    return at


def test_a_late_login_load_leaves_a_tab_that_moved_on_where_it_is(engine: Engine) -> None:
    """The login page's load can run after Sign in, once the tab has gone on (a supervisor
    opening /supervisor by URL straight after Sign in): it must not send them back home."""
    make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    form = _submit("sam", "sam-pass-phrase")
    assert form.token
    assert _tab_after_login_load(form, at="/supervisor") == "/supervisor"
    assert _tab_after_login_load(form, at="/reports") == "/reports"
    assert _tab_after_login_load(form, at="/login") == "/"
    assert _tab_after_login_load(state_for(LoginState, ""), at="/login") == "/login"
