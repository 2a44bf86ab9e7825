"""The header's Status select and the channel tab's assignment form, driven through their
handlers as the pages call them, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.domain.availability import Presence
from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels import assignment
from agent_workspace.services.interactions.availability import my_presence
from agent_workspace.state.admin_assignment import AssignmentAdminState
from agent_workspace.state.admin_quiet import QuietHoursAdminState
from agent_workspace.state.session import SessionState
from agent_workspace.state.workspace import WorkspaceState
from tests.integration.state.test_access_checks import admin_token, run, state_for
from tests.support.factories import make_channel, make_user


def test_the_status_select_saves_the_agents_choice_and_refuses_another_word(
    engine: Engine,
) -> None:
    alice = make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    state = state_for(WorkspaceState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    # (The page's load reads the choice: the e2e test sees "offline" in the select.)

    run(SessionState.set_presence.fn(state, "busy"))  # type: ignore[attr-defined]
    assert "choose available, away or offline" in state.presence_error
    assert my_presence(actor=alice) == Presence.OFFLINE

    run(SessionState.set_presence.fn(state, "available"))  # type: ignore[attr-defined]
    assert (state.presence, state.presence_error) == ("available", "")
    assert my_presence(actor=alice) == Presence.AVAILABLE


def test_the_channel_tab_saves_assignment_and_names_a_bad_capacity(engine: Engine) -> None:
    make_channel()
    root = make_user("ada", roles=(Role.ADMIN,))
    state = state_for(AssignmentAdminState, admin_token())
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # shows the roles
    run(AssignmentAdminState.load.fn(state))  # type: ignore[attr-defined]
    assert (state.enabled, state.capacity) == (False, "5")

    AssignmentAdminState.set_enabled.fn(state, True)  # type: ignore[attr-defined]
    AssignmentAdminState.set_capacity.fn(state, "0")  # type: ignore[attr-defined]
    run(AssignmentAdminState.save.fn(state))  # type: ignore[attr-defined]
    assert "1 to 100" in state.problem
    assert assignment.assignment(actor=root).enabled is False

    AssignmentAdminState.set_capacity.fn(state, "3")  # type: ignore[attr-defined]
    run(AssignmentAdminState.save.fn(state))  # type: ignore[attr-defined]
    assert state.problem == ""
    assert assignment.assignment(actor=root) == assignment.Assignment(enabled=True, capacity=3)


def test_a_capacity_or_exempt_hours_of_digits_int_cannot_read_is_refused_by_name(
    engine: Engine,
) -> None:
    """ "²" and "٣" pass str.isdigit; the first made int() raise inside the handler."""
    make_channel()
    root = make_user("ada", roles=(Role.ADMIN,))
    token = admin_token()
    state = state_for(AssignmentAdminState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    run(AssignmentAdminState.load.fn(state))  # type: ignore[attr-defined]
    quiet = state_for(QuietHoursAdminState, token)
    run(SessionState.guard_agent_page.fn(quiet))  # type: ignore[attr-defined]
    run(QuietHoursAdminState.load.fn(quiet))  # type: ignore[attr-defined]
    for typed in ("²", "٣", "1.5", "-2", ""):
        AssignmentAdminState.set_capacity.fn(state, typed)  # type: ignore[attr-defined]
        run(AssignmentAdminState.save.fn(state))  # type: ignore[attr-defined]
        assert "whole number" in state.problem, typed
        QuietHoursAdminState.set_exempt_hours.fn(quiet, typed)  # type: ignore[attr-defined]
        run(QuietHoursAdminState.save.fn(quiet))  # type: ignore[attr-defined]
        assert "whole number" in quiet.problems["reply_exempt_hours"], typed
    assert assignment.assignment(actor=root) == assignment.Assignment(enabled=False, capacity=5)
