"""Event handlers re-check the user and role on the server, whatever the browser sends."""

from __future__ import annotations

from typing import Any, TypeVar

import reflex as rx
from sqlalchemy.engine import Engine

from agent_workspace.models import Role
from agent_workspace.services import auth
from agent_workspace.services.demo_data import load_demo_data
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.session import SessionState
from tests.factories import make_user

S = TypeVar("S", bound=rx.State)


def state_for(cls: type[S], token: str) -> S:
    """The state as the framework builds it for a tab holding `token`."""
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    state: Any = root.get_substate(cls.get_full_name().split(".")[1:])
    state.token = token
    return state  # type: ignore[no-any-return]


def call(handler: Any, state: rx.State, *args: Any) -> Any:
    return handler.fn(state, *args)


def test_listing_is_refused_for_a_signed_in_user_without_the_agent_role(engine: Engine) -> None:
    make_user("ada", roles=(Role.ADMIN,))
    token, _ = auth.sign_in(username="ada", password="ada-password")
    state = state_for(MyInteractionsState, token)
    call(MyInteractionsState.load, state)
    assert state.items == []
    assert "does not have the agent_workspace_user role" in state.error


def test_creating_an_interaction_is_refused_without_the_agent_role(engine: Engine) -> None:
    make_user("ada", roles=(Role.ADMIN,))
    token, _ = auth.sign_in(username="ada", password="ada-password")
    state = state_for(MyInteractionsState, token)
    result = call(MyInteractionsState.new_interaction, state)
    assert "agent_workspace_user" in str(result)


def test_a_forged_or_revoked_token_is_refused(engine: Engine) -> None:
    load_demo_data()
    token, _ = auth.sign_in(username="alice", password="alice-demo-pass")
    auth.sign_out(token)
    for bad in (token, "forged-token"):
        state = state_for(MyInteractionsState, bad)
        call(MyInteractionsState.load, state)
        assert state.items == []
        assert state.error == "Please sign in first."


def test_guard_sends_signed_out_tabs_to_sign_in_and_refuses_non_agents(engine: Engine) -> None:
    make_user("ada", roles=(Role.ADMIN,))
    state = state_for(SessionState, "")
    assert "/login" in str(call(SessionState.guard_agent_page, state))
    token, _ = auth.sign_in(username="ada", password="ada-password")
    state = state_for(SessionState, token)
    call(SessionState.guard_agent_page, state)
    assert "agent_workspace_user" in state.denied_reason


def test_agent_sees_their_interactions(engine: Engine) -> None:
    load_demo_data()
    token, _ = auth.sign_in(username="alice", password="alice-demo-pass")
    state = state_for(MyInteractionsState, token)
    call(MyInteractionsState.load, state)
    assert state.error == ""
    assert state.items
    assert all(item.number.startswith("IMS") for item in state.items)
