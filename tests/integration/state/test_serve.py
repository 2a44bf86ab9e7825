"""SessionState._serve: the one path of a handler to a service (actor, off the loop, refusal)."""

from __future__ import annotations

from typing import Any

import pytest

from agent_workspace.models import Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts import auth
from agent_workspace.services.errors import FieldProblems, NotFound, ServiceError
from agent_workspace.state.admin_channel import NumbersAdminState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import make_user


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every read of a tab's session (a database read each)."""
    seen: list[str] = []
    real = auth.actor_for_token

    def counted(*, token: str) -> Actor | None:
        seen.append(token)
        return real(token=token)

    monkeypatch.setattr(auth, "actor_for_token", counted)
    return seen


def _tab(username: str, roles: tuple[Role, ...] = (Role.ADMIN,)) -> NumbersAdminState:
    make_user(username, roles=roles)
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    return state_for(NumbersAdminState, token)


def _whose(*, actor: Actor, suffix: str) -> str:
    return actor.username + suffix


def _refuse(*, actor: Actor) -> str:
    raise NotFound("That number is not one of the channel's.")


def _field_problems(*, actor: Actor) -> str:
    raise FieldProblems({"number": "Enter a number.", "label": "Too long."})


def test_success_returns_the_service_value_for_the_tab_s_actor(
    engine: Any, reads: list[str]
) -> None:
    tab = _tab("ada")
    assert run(tab._serve(Role.ADMIN, _whose, suffix="!")) == "ada!"
    assert tab.error == ""
    assert len(reads) == 1


def test_a_refusal_lands_in_the_named_var_and_is_returned(engine: Any) -> None:
    tab = _tab("ada")
    refused = run(tab._serve(Role.ADMIN, _refuse, show="number_error"))
    assert isinstance(refused, NotFound)
    assert tab.number_error == "That number is not one of the channel's."
    assert tab.error == ""
    quiet = run(tab._serve(Role.ADMIN, _refuse, show=""))
    assert isinstance(quiet, NotFound) and tab.error == ""


def test_a_tab_without_the_role_is_refused_before_the_service_runs(engine: Any) -> None:
    tab = _tab("alice", roles=(Role.AGENT,))
    ran: list[Actor] = []
    refused = run(tab._serve(Role.ADMIN, lambda *, actor: ran.append(actor)))
    assert isinstance(refused, ServiceError) and ran == []
    assert "admin role" in tab.error


def test_field_problems_go_to_on_fields_instead_of_the_message(engine: Any) -> None:
    tab = _tab("ada")
    marked: list[dict[str, str]] = []
    refused = run(tab._serve(Role.ADMIN, _field_problems, on_fields=marked.append))
    assert isinstance(refused, FieldProblems)
    assert marked == [{"number": "Enter a number.", "label": "Too long."}]
    assert tab.error == ""
    run(tab._serve(Role.ADMIN, _field_problems))  # no on_fields: the first reason is shown
    assert tab.error == "Enter a number."


def test_the_actor_is_read_once_for_a_handler_of_several_steps(
    engine: Any, reads: list[str]
) -> None:
    tab = _tab("ada")
    actor = run(tab._actor_as(Role.ADMIN))
    assert actor is not None
    assert run(tab._serve(actor, _whose, suffix="1")) == "ada1"
    assert run(tab._serve(actor, _whose, suffix="2")) == "ada2"
    assert len(reads) == 1


def test_actor_as_shows_why_a_tab_may_not_act(engine: Any) -> None:
    tab = _tab("alice", roles=(Role.AGENT,))
    assert run(tab._actor_as(Role.ADMIN, show="label_error")) is None
    assert tab.label_error == require_role_message(Role.ADMIN)


def require_role_message(role: Role) -> str:
    try:
        require_role(Actor(0, "alice", "Alice", frozenset({Role.AGENT})), role)
    except ServiceError as refused:
        return refused.message
    return ""
