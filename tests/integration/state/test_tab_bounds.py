"""What a tab keeps in the server's memory is bounded: nothing for a tab nobody signed in to,
the page's own keys only, a few drafts; and ids in its URL no row can have are refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.domain.inputs import DRAFTS, MAX_ROW_ID, TYPED_CHARS
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.demo_data import load_demo_data
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.state import workspace
from agent_workspace.state.admin_audit import FIELDS, AuditAdminState
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.details import DetailsState
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.session import SessionState
from agent_workspace.state.transcript import TranscriptState
from agent_workspace.state.workspace import SCOPES, WorkspaceState
from tests.integration.state.test_access_checks import run, state_for
from tests.integration.state.test_hostile_clients import _tab_bytes
from tests.support.factories import make_user

NOT_IDS = [MAX_ROW_ID + 1, 2**63, 10**30]


def _signed_in(cls: type[Any], username: str, roles: tuple[Role, ...]) -> Any:
    """The state of a tab whose page was loaded signed in (the server noted who and roles)."""
    make_user(username, roles=roles)
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    state = state_for(cls, token)
    state.username, state.roles = username, sorted(r.value for r in roles)
    return state


def _at(monkeypatch: pytest.MonkeyPatch, interaction_id: int) -> None:
    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: interaction_id)


def test_a_tab_nobody_signed_in_to_keeps_no_drafts(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 200 draft saves from such a tab had grown the server by 197 MB.
    load_demo_data()
    state = state_for(ComposeState, "")
    tab = state._get_root_state()
    before = len(_tab_bytes(tab))
    for interaction_id in range(1, 201):
        _at(monkeypatch, interaction_id)
        run(ComposeState.prepare.fn(state))  # type: ignore[attr-defined]
        run(ComposeState.set_body.fn(state, "d" * TYPED_CHARS))  # type: ignore[attr-defined]
    assert state.error == "Please sign in first."
    assert (state.body, state._drafts) == ("", {})
    assert len(_tab_bytes(tab)) <= before + 64  # the refusal


def test_a_signed_in_tab_keeps_its_latest_drafts_and_drops_the_oldest(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, unlinked_feeds: None
) -> None:
    load_demo_data()
    state = _signed_in(ComposeState, "root", (Role.AGENT,))
    for interaction_id in range(100, 100 + 3 * DRAFTS):
        _at(monkeypatch, interaction_id)
        run(ComposeState.prepare.fn(state))  # type: ignore[attr-defined]
        run(ComposeState.set_body.fn(state, f"draft for {interaction_id}"))  # type: ignore[attr-defined]
    _at(monkeypatch, 1)
    run(ComposeState.prepare.fn(state))  # type: ignore[attr-defined]
    kept = list(range(100 + 2 * DRAFTS, 100 + 3 * DRAFTS))
    assert list(state._drafts) == kept
    assert state._drafts[kept[-1]] == f"draft for {kept[-1]}"
    run(ComposeState.set_body.fn(state, "x" * (TYPED_CHARS + 1)))  # type: ignore[attr-defined]
    assert state.error == f"The message holds at most {TYPED_CHARS:,} characters (5,001 given)."
    assert state.body == ""  # interaction 1 had no draft; the refused text was not kept


def test_the_audit_log_keeps_only_its_own_filters(engine: Engine) -> None:
    # 100 keys of the attacker's choosing had grown the server by 517 MB.
    state = _signed_in(AuditAdminState, "ada", (Role.ADMIN,))
    for n in range(100):
        AuditAdminState.set_filter.fn(state, f"key{n}", "v" * 1000)  # type: ignore[attr-defined]
    assert state.error == "Choose a filter from the list."
    AuditAdminState.set_filter.fn(state, "username", "u" * 101)  # type: ignore[attr-defined]
    assert state.problems["username"] == "A filter holds at most 100 characters (101 given)."
    AuditAdminState.set_filter.fn(state, "username", "ada")  # type: ignore[attr-defined]
    assert list(state.filters) == list(FIELDS)
    assert state.filters["username"] == "ada"


@pytest.mark.parametrize("scope", [c.value for c in SCOPES] + ["all"])
def test_changing_the_list_while_signed_out_is_refused_in_words(engine: Engine, scope: str) -> None:
    # set_scope had raised AccessDenied from linking the feed, with a traceback.
    state = state_for(WorkspaceState, "")
    run(WorkspaceState.set_scope.fn(state, scope))  # type: ignore[attr-defined]
    assert state.list_error == "Please sign in first."
    assert state.scope == "mine"


@pytest.mark.parametrize("bad", NOT_IDS, ids=str)
def test_an_interaction_url_no_row_can_have_is_refused_in_words(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, bad: int
) -> None:
    # Such ids had raised "integer out of range" (PostgreSQL) or OverflowError (SQLite), and
    # past 38 digits a live-feed row too long for its column.
    load_demo_data()
    _at(monkeypatch, bad)
    page = _signed_in(InteractionPageState, "root", (Role.AGENT,))
    run(InteractionPageState.open.fn(page))  # type: ignore[attr-defined]
    assert page.load_error == "That interaction does not exist."
    composer = state_for(ComposeState, page.token)
    run(ComposeState.start.fn(composer))  # type: ignore[attr-defined]
    assert composer.error == "That interaction does not exist."
    details = state_for(DetailsState, page.token)
    run(DetailsState.load.fn(details))  # type: ignore[attr-defined]
    assert details.save_error == "That interaction does not exist."
    exported = run(TranscriptState.export.fn(state_for(TranscriptState, page.token), "text"))  # type: ignore[attr-defined]
    assert "That interaction does not exist." in str(exported)


def test_show_more_stops_at_the_rows_a_tab_keeps(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, unlinked_feeds: None
) -> None:
    # Each Show more had added 50 rows for good: a client calling it in a loop held the whole
    # table (100,000 interactions) in its tab, and every push re-sent it.
    monkeypatch.setattr(workspace, "SHOWN_ROWS", 60)
    state = _signed_in(WorkspaceState, "alice", (Role.AGENT,))
    alice = auth.actor_for_token(state.token)
    for _ in range(110):
        create_interaction(actor=alice, type=InteractionType.PHONE, person=None)
    run(WorkspaceState.load.fn(state))  # type: ignore[attr-defined]
    assert (len(state.rows), state.has_more) == (50, True)
    for _ in range(3):
        run(WorkspaceState.load_more.fn(state))  # type: ignore[attr-defined]
    assert (len(state.rows), state.has_more) == (60, False)
    assert state.list_error == (
        "The list shows 60 interactions at most: search or filter to find the others."
    )
