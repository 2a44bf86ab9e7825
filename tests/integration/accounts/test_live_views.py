"""Who shows a feed: valid sessions only, each once with all its user's roles."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.models import Role, utcnow
from agent_workspace.services.accounts import auth, live_views
from agent_workspace.web.socket_guard import is_client_token
from tests.support.factories import make_user


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
    assert [actor.session_id for _, actor in shown["ix1"]] == sorted([sam, alice])
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


def test_a_copys_name_is_the_servers_own_and_differs_per_session_and_feed(engine: Engine) -> None:
    """Nothing a client can count to: the names carry a MAC under the secret and the session's
    token, so a second session of the same user on the same feed gets another name."""
    make_user("dana")
    names = []
    for _ in range(2):
        _, actor = auth.sign_in(username="dana", password="dana-pass-phrase")
        names += [
            live_views.register(actor=actor, feed="ix1"),
            live_views.register(actor=actor, feed="ix2"),
        ]
    assert len(set(names)) == 4
    assert all(n.startswith(live_views.COPY_PREFIX) and len(n) == 44 for n in names)
    assert all("_" not in n and not is_client_token(n) for n in names)


def test_views_of_sessions_that_ended_are_taken_once_with_their_copies(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("erin")
    out_token, out = auth.sign_in(username="erin", password="erin-pass-phrase")
    _, expiring = auth.sign_in(username="erin", password="erin-pass-phrase")
    signed_out = live_views.register(actor=out, feed="ix1")
    expired = live_views.register(actor=expiring, feed="board")
    _signed_in("sam", (Role.AGENT, Role.SUPERVISOR))
    auth.sign_out(out_token)

    assert live_views.take_ended() == [live_views.EndedView("ix1", signed_out)]
    assert live_views.take_ended() == []
    later = utcnow() + timedelta(days=400)  # every session has expired by then
    monkeypatch.setattr(live_views, "utcnow", lambda: later)
    taken = live_views.take_ended()
    assert live_views.EndedView("board", expired) in taken
    assert sorted(v.feed for v in taken) == ["board", "board", "ix1"]  # erin's and sam's
    assert live_views.viewers_of(["ix1", "board"]) == {}
