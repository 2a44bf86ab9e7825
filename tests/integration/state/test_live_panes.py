"""A live pane's component follows its feed on mount (state/live.py PANES): the tab is linked to
its session's copy and shown what the pane holds now, for the agent alone."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.notices import notify
from agent_workspace.state.live import NOTICES, NoticeFeed
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import make_user


@pytest.fixture
def linked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The feeds tabs were linked to, by name; the feed is the tab's own substate here."""
    names: list[str] = []

    async def link_feed(self: Any, feed_cls: type, feed: str, actor: Any = None) -> Any:
        names.append(feed)
        return await self.get_state(feed_cls)

    monkeypatch.setattr(SessionState, "_link_feed", link_feed)
    return names


def _signed_in(name: str, roles: tuple[Role, ...] = (Role.AGENT,)) -> tuple[int, str]:
    user = make_user(name, roles=roles)
    token, _ = auth.sign_in(username=name, password=f"{name}-pass-phrase")
    return user.user_id, token


def test_the_notices_pane_follows_the_agents_own_notices(engine: Engine, linked: list[str]) -> None:
    alice, token = _signed_in("alice")
    bob, _ = _signed_in("bob")
    with transaction() as session:
        notify(session, agent_id=alice, text="Bob took over IMS0001001", interaction_id=None)
        notify(session, agent_id=bob, text="Not for Alice", interaction_id=None)
    state = state_for(SessionState, token)
    run(SessionState.follow_pane.fn(state, NOTICES))  # type: ignore[attr-defined]
    assert linked == [f"notices{alice}"]
    feed = run(state.get_state(NoticeFeed))
    assert [n.text for n in feed.items] == ["Bob took over IMS0001001"]


@pytest.mark.parametrize("name", ["board", "ix1", "", None, ["notices"]])
def test_only_a_pane_of_the_table_is_followed(
    engine: Engine, linked: list[str], name: object
) -> None:
    _, token = _signed_in("alice")
    run(SessionState.follow_pane.fn(state_for(SessionState, token), name))  # type: ignore[attr-defined]
    assert linked == []


def test_a_user_without_the_agent_role_follows_no_pane(engine: Engine, linked: list[str]) -> None:
    _, token = _signed_in("ada", (Role.ADMIN,))
    run(SessionState.follow_pane.fn(state_for(SessionState, token), NOTICES))  # type: ignore[attr-defined]
    assert linked == []
