"""An administrator takes an agent off the desk and back: what ends, who is told, and how their
open work is handed on by an administrator (who cannot open the supervisor board)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Interaction, InteractionType, Role
from agent_workspace.services.accounts import auth, roles, users
from agent_workspace.services.errors import AccessDenied
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.interactions.notices import unread_notices
from agent_workspace.services.interactions.supervising import reassign
from tests.support.factories import make_consumer, make_user


def _dora_with_work() -> tuple[int, str]:
    """Dora, an agent, holds an open interaction and is signed in: (interaction id, token)."""
    make_user("dora")
    token, dora = auth.sign_in(username="dora", password="dora-pass-phrase")
    person = make_consumer("Ines", "+14155550161")
    row = create_interaction(actor=dora, type=InteractionType.PHONE, person=person)
    return row.id, token


def test_removing_a_role_ends_the_users_sessions(engine: Engine) -> None:
    """They sign in again with the roles they have now; their open tabs go to sign-in."""
    make_user("dora", roles=(Role.AGENT, Role.SUPERVISOR))
    token, _ = auth.sign_in(username="dora", password="dora-pass-phrase")
    ada = make_user("ada", roles=(Role.ADMIN,))
    roles.revoke_role(actor=ada, username="dora", role=Role.SUPERVISOR)
    assert auth.actor_for_token(token) is None
    _, again = auth.sign_in(username="dora", password="dora-pass-phrase")
    assert again.roles == frozenset({Role.AGENT})


def test_an_administrator_reactivates_a_deactivated_agent(engine: Engine) -> None:
    _, token = _dora_with_work()
    ada = make_user("ada", roles=(Role.ADMIN,))
    users.deactivate_user(actor=ada, username="dora", via="admin page")
    with pytest.raises(AccessDenied):
        auth.sign_in(username="dora", password="dora-pass-phrase")
    with pytest.raises(AccessDenied):
        users.reactivate_user(actor=make_user("eve"), username="dora", via="admin page")

    assert users.reactivate_user(actor=ada, username="dora", via="admin page") is True
    assert users.reactivate_user(actor=ada, username="dora", via="admin page") is False
    auth.sign_in(username="dora", password="dora-pass-phrase")
    assert auth.actor_for_token(token) is None  # the sessions it ended stay ended


def test_an_administrator_hands_a_deactivated_agents_work_to_another(engine: Engine) -> None:
    interaction_id, _ = _dora_with_work()
    ada = make_user("ada", roles=(Role.ADMIN,))  # no supervisor or agent role
    bob = make_user("bob")
    with pytest.raises(AccessDenied, match="administrator when its agent is deactivated"):
        reassign(actor=ada, interaction_id=interaction_id, agent_id=bob.user_id)
    done = users.deactivate_user(actor=ada, username="dora", via="admin page")
    assert [r.id for r in done.open_interactions] == [interaction_id]
    assert [r.id for r in users.open_work_of(actor=ada, username="dora")] == [interaction_id]

    reassign(actor=ada, interaction_id=interaction_id, agent_id=bob.user_id)

    with Session(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        assert interaction is not None and interaction.assigned_agent_id == bob.user_id
    assert users.open_work_of(actor=ada, username="dora") == []
    [notice] = unread_notices(actor=bob)
    assert notice.text.startswith("Ada assigned IMS")
    with pytest.raises(AccessDenied):  # only a supervisor hands on an active agent's work
        reassign(actor=ada, interaction_id=interaction_id, agent_id=ada.user_id)
