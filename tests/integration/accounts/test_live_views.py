"""Who shows a feed: valid sessions only, each once with all its user's roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.models import Role, utcnow
from agent_workspace.services.accounts import auth, live_views
from tests.factories import make_user


def _signed_in(username: str, roles: tuple[Role, ...]) -> int:
    make_user(username, roles=roles)
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    actor = auth.actor_for_token(token)
    assert actor is not None and actor.session_id is not None
    live_views.register(actor=actor, feed="ix1")
    live_views.register(actor=actor, feed="board")
    return actor.session_id


def test_a_user_with_several_roles_is_one_viewer_with_all_of_them(engine: Engine) -> None:
    sam = _signed_in("sam", (Role.AGENT, Role.SUPERVISOR))
    alice = _signed_in("alice", (Role.AGENT,))
    shown = live_views.viewers_of(["ix1", "board", "agent9"])
    assert sorted(shown) == ["board", "ix1"]
    assert [session_id for session_id, _ in shown["ix1"]] == sorted([sam, alice])
    actors = {a.username: a for _, a in shown["ix1"]}
    assert actors["sam"].roles == frozenset({Role.AGENT, Role.SUPERVISOR})
    assert actors["alice"].roles == frozenset({Role.AGENT})
    assert actors["sam"].session_id == sam


def test_a_signed_out_session_shows_nothing(engine: Engine) -> None:
    make_user("bob")
    token, _ = auth.sign_in(username="bob", password="bob-pass-phrase")
    actor = auth.actor_for_token(token)
    assert actor is not None
    live_views.register(actor=actor, feed="ix1")
    auth.sign_out(token)
    assert live_views.viewers_of(["ix1"]) == {}


def test_a_session_shows_nothing_once_it_has_expired(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The statement is built once; the clock it is checked against is read on every call."""
    _signed_in("carol", (Role.AGENT,))
    assert "ix1" in live_views.viewers_of(["ix1"])
    later = utcnow() + timedelta(days=400)
    monkeypatch.setattr(live_views, "utcnow", lambda: later)
    assert live_views.viewers_of(["ix1"]) == {}
