"""Event handlers re-check the user and role on the server, whatever the browser sends."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent_workspace.models import Interaction, Message, Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.demo_data import load_demo_data
from agent_workspace.state.admin import AdminState
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.interactions import MyInteractionsState
from agent_workspace.state.session import SessionState
from agent_workspace.state.supervisor import SupervisorState
from agent_workspace.state.workspace import WorkspaceState
from tests.support.factories import make_user

S = TypeVar("S", bound=rx.State)
T = TypeVar("T")
NO_AGENT_ROLE = "does not have the agent_workspace_user role"


def state_for(cls: type[S], token: str) -> S:
    """The state as the framework builds it for a tab holding `token`."""
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    state: Any = root.get_substate(cls.get_full_name().split(".")[1:])
    state.token = token
    return state  # type: ignore[no-any-return]


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs an async handler on its own loop (Playwright may own this thread's loop)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def admin_token() -> str:
    """A signed-in administrator without the agent role (the demo data has one, 'ada')."""
    make_user("root", roles=(Role.ADMIN,))
    token, _ = auth.sign_in(username="root", password="root-pass-phrase")
    return token


def _counts(engine: Engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (
            session.exec(select(func.count()).select_from(Interaction)).one(),
            session.exec(select(func.count()).select_from(Message)).one(),
        )


def test_listing_is_refused_for_a_signed_in_user_without_the_agent_role(
    engine: Engine,
) -> None:
    state = state_for(WorkspaceState, admin_token())
    run(WorkspaceState.load.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.list_error
    assert state.rows == []


def test_creating_an_interaction_is_refused_without_the_agent_role(engine: Engine) -> None:
    state = state_for(MyInteractionsState, admin_token())
    run(MyInteractionsState.open_new.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.error
    assert state.people == []
    state.new_person, state.new_type = "consumer:1", "phone"
    before = _counts(engine)
    run(MyInteractionsState.create_new.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.new_error
    assert _counts(engine) == before


def test_closing_is_refused_without_the_agent_role(engine: Engine) -> None:
    load_demo_data()
    state = state_for(InteractionPageState, admin_token())
    state.interaction_id = 1
    result = run(InteractionPageState.close_interaction.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in str(result)
    with Session(engine) as session:
        interaction = session.get(Interaction, 1)
        assert interaction is not None
        assert interaction.closed_at is None


def test_a_forged_or_revoked_token_is_refused(engine: Engine) -> None:
    load_demo_data()
    token, _ = auth.sign_in(username="alice", password="alice-demo-pass")
    auth.sign_out(token)
    for bad in (token, "forged-token"):
        state = state_for(WorkspaceState, bad)
        run(WorkspaceState.load.fn(state))  # type: ignore[attr-defined]
        assert state.list_error == "Please sign in first."


def test_guard_sends_signed_out_tabs_to_sign_in_and_refuses_non_agents(engine: Engine) -> None:
    state = state_for(SessionState, "")
    assert "/login" in str(run(SessionState.guard_agent_page.fn(state)))  # type: ignore[attr-defined]
    state = state_for(SessionState, admin_token())
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.denied_reason


def test_opening_an_interaction_is_refused_without_the_agent_role(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo_data()
    monkeypatch.setattr(InteractionPageState, "_interaction_in_url", lambda self: 1)
    state = state_for(InteractionPageState, admin_token())
    run(InteractionPageState.open.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.load_error


def test_compose_is_refused_without_the_agent_role(engine: Engine) -> None:
    load_demo_data()
    state = state_for(ComposeState, admin_token())
    run(ComposeState.start.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.error
    assert state.from_options == []


def test_send_is_refused_without_the_agent_role_and_writes_nothing(engine: Engine) -> None:
    load_demo_data()
    state = state_for(ComposeState, admin_token())
    state.from_number, state.to_choice, state.body = "+14155550100", "+14155550123", "hello"
    state.interaction_id = 1
    before = _counts(engine)
    run(ComposeState.send.fn(state))  # type: ignore[attr-defined]
    assert NO_AGENT_ROLE in state.error
    assert _counts(engine) == before


def test_send_from_a_signed_out_tab_is_refused(engine: Engine) -> None:
    load_demo_data()
    state = state_for(ComposeState, "")
    state.from_number, state.to_choice, state.body = "+14155550100", "+14155550123", "hello"
    before = _counts(engine)
    run(ComposeState.send.fn(state))  # type: ignore[attr-defined]
    assert state.error == "Please sign in first."
    assert _counts(engine) == before


def test_the_admin_page_refuses_agents_and_their_saves_change_nothing(engine: Engine) -> None:
    load_demo_data()
    token, _ = auth.sign_in(username="alice", password="alice-demo-pass")
    state = state_for(AdminState, token)
    run(AdminState.load.fn(state))  # type: ignore[attr-defined]
    assert "does not have the admin role" in state.refusal
    state.max_mb, state.max_files = "1", "1"
    run(AdminState.save.fn(state))  # type: ignore[attr-defined]
    assert "does not have the admin role" in state.error
    admin_token, _ = auth.sign_in(username="ada", password="ada-demo-pass")
    admin_state = state_for(AdminState, admin_token)
    run(AdminState.load.fn(admin_state))  # type: ignore[attr-defined]
    assert admin_state.refusal == ""
    assert admin_state.max_files == "10"


def test_the_supervisor_board_and_take_over_refuse_plain_agents(engine: Engine) -> None:
    load_demo_data()
    token, _ = auth.sign_in(username="alice", password="alice-demo-pass")
    state = state_for(SupervisorState, token)
    run(SupervisorState.load.fn(state))  # type: ignore[attr-defined]
    assert "does not have the supervisor role" in state.refusal
    state.takeover_id = 2  # as if the confirmation were open for it
    result = run(SupervisorState.take_over.fn(state))  # type: ignore[attr-defined]
    assert "supervisor role" in str(result)
    with Session(engine) as session:
        interaction = session.get(Interaction, 2)
        assert interaction is not None
        assert interaction.virtual_agent
