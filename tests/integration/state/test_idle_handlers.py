"""The idle watch's two events (assets/workspace.js clicks them), through their handlers on
SQLite and PostgreSQL: the header's Status follows, and the page learns the idle time."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.config import get_settings
from agent_workspace.domain.availability import Presence
from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.availability import my_presence
from agent_workspace.state.session import SessionState
from agent_workspace.state.workspace import WorkspaceState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import make_channel, make_user


def _tab(username: str, roles: tuple[Role, ...] = (Role.AGENT,)) -> WorkspaceState:
    make_user(username, roles=roles)
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    state = state_for(WorkspaceState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    return state


@pytest.mark.usefixtures("unlinked_feeds")
def test_the_page_learns_the_idle_time_from_the_setting(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AW_AWAY_AFTER_MINUTES", "0.5")
    get_settings.cache_clear()
    make_channel()
    state = _tab("alice")
    run(WorkspaceState.load.fn(state))  # type: ignore[attr-defined]
    assert state.away_after_ms == 30_000


def test_idle_turns_the_status_away_and_acting_turns_it_back(engine: Engine) -> None:
    make_channel()
    state = _tab("alice")
    run(SessionState.set_presence.fn(state, "available"))  # type: ignore[attr-defined]
    run(SessionState.went_idle.fn(state))  # type: ignore[attr-defined]
    assert (state.presence, state.presence_error) == ("away", "")
    run(SessionState.came_back.fn(state))  # type: ignore[attr-defined]
    assert state.presence == "available"


def test_a_chosen_away_is_kept_when_the_agent_acts(engine: Engine) -> None:
    make_channel()
    state = _tab("alice")
    run(SessionState.set_presence.fn(state, "away"))  # type: ignore[attr-defined]
    run(SessionState.came_back.fn(state))  # type: ignore[attr-defined]
    assert state.presence == "away"


def test_someone_without_the_agent_role_changes_nothing(engine: Engine) -> None:
    make_channel()
    state = _tab("root", (Role.ADMIN,))
    run(SessionState.went_idle.fn(state))  # type: ignore[attr-defined]
    assert "agent" in state.presence_error and state.presence == ""
    signed_out = state_for(WorkspaceState, "")
    run(SessionState.came_back.fn(signed_out))  # type: ignore[attr-defined]
    assert signed_out.presence_error != "" and signed_out.presence == ""
    alice = make_user("alice")
    assert my_presence(actor=alice) == Presence.OFFLINE
