"""What a tab's client controls about its session: the stored sign-in token (local storage,
sent back by the client) and the page's URL. Neither is trusted, and no value of either makes a
handler raise or the server keep more than a session needs."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent_workspace.models import LiveView
from agent_workspace.services.accounts import auth, live_views
from agent_workspace.services.demo_data import load_demo_data
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.session import LoginState, SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import make_user

HOSTILE_TOKENS: list[Any] = ["x" * 200_000, "tok\x00en", 7, 1.5, None, ["a"], {"a": "b"}]


@pytest.mark.parametrize("token", HOSTILE_TOKENS, ids=lambda t: type(t).__name__)
def test_a_stored_token_that_is_no_session_is_signed_out_and_dropped(
    engine: Engine, token: Any
) -> None:
    state = state_for(SessionState, "")
    state.token = token  # what update_vars_internal would set from the client's storage

    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]

    assert (state.username, state.token) == ("", "")


@pytest.mark.parametrize(
    "form", [None, "alice", ["alice"], {"username": 7, "password": ["x"]}, {"username": None}]
)
def test_a_sign_in_form_that_is_no_form_is_refused_in_words(engine: Engine, form: Any) -> None:
    state = state_for(LoginState, "")
    run(LoginState.sign_in.fn(state, form))  # type: ignore[attr-defined]
    assert state.error == "Enter your username and password."
    assert state.token == ""


def test_a_username_with_a_nul_is_refused_before_any_query(engine: Engine) -> None:
    state = state_for(LoginState, "")
    run(LoginState.sign_in.fn(state, {"username": "al\x00ice", "password": "x"}))  # type: ignore[attr-defined]
    assert state.error == "The username cannot contain a NUL character."


def _opened(path: str, token: str) -> InteractionPageState:
    state = state_for(InteractionPageState, token)
    state.router_data = {"pathname": path, "asPath": path}
    state._update_router_vars(state.router_data, {})
    assert state.router.url.path == path
    run(InteractionPageState.open.fn(state))  # type: ignore[attr-defined]
    return state


@pytest.fixture
def registering_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Linking needs a running app's state manager; registering the viewer is real."""

    async def link_feed(self: Any, feed_cls: type, feed: str, actor: Any = None) -> Any:
        await self._off_loop(live_views.register, actor=actor or await self._actor(), feed=feed)
        return await self.get_state(feed_cls)

    monkeypatch.setattr(SessionState, "_link_feed", link_feed)


def test_a_url_naming_no_interaction_is_refused_and_registers_no_live_view(
    engine: Engine, registering_feeds: None
) -> None:
    load_demo_data()
    make_user("root")
    token, _ = auth.sign_in(username="root", password="root-pass-phrase")
    for path in ("/interactions/" + "9" * 5_000, "/interactions/2147483648", "/interactions/999"):
        state = _opened(path, token)
        assert state.interaction_id == 0
        assert "does not exist" in state.load_error or path.endswith("9" * 5_000)
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(LiveView)).one() == 0
    assert _opened("/interactions/1", token).interaction_id == 1  # one that exists: a viewer
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(LiveView)).one() == 1
