"""Closing an interaction: who may, what it ends, and that a closed one takes no more messages."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import (
    Interaction,
    InteractionState,
    InteractionType,
    LiveGroupMember,
    Role,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.interactions.lifecycle import close_by_agent, create_interaction
from agent_workspace.services.interactions.lists import list_my_interactions
from agent_workspace.services.people.directory import list_people
from tests.support.factories import make_consumer, make_contact, make_user


def _open(engine: Engine) -> tuple[int, Actor]:
    alice = make_user("alice")
    person = make_consumer("Dana", "+14155550123")
    row = create_interaction(actor=alice, type=InteractionType.PHONE, person=person)
    return row.id, alice


def test_the_assignee_closes_it_and_its_live_group_ends(engine: Engine) -> None:
    interaction_id, alice = _open(engine)
    assert close_by_agent(actor=alice, interaction_id=interaction_id).startswith("IMS")
    with Session(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        assert interaction is not None
        assert interaction.state is InteractionState.CLOSED_COMPLETE
        assert interaction.closed_at is not None
        open_members = session.exec(
            select(LiveGroupMember).where(col(LiveGroupMember.left_at).is_(None))
        ).all()
    assert open_members == []
    assert list_my_interactions(actor=alice) == []
    assert [r.id for r in list_my_interactions(actor=alice, include_closed=True)] == [
        interaction_id
    ]


def test_an_agent_outside_the_interaction_may_not_close_it_but_a_supervisor_may(
    engine: Engine,
) -> None:
    interaction_id, _ = _open(engine)
    bob = make_user("bob")
    with pytest.raises(AccessDenied, match="Only the assigned agent"):
        close_by_agent(actor=bob, interaction_id=interaction_id)
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    close_by_agent(
        actor=sam, interaction_id=interaction_id, state=InteractionState.CLOSED_ABANDONED
    )
    with pytest.raises(InvalidInput, match="already closed"):
        close_by_agent(actor=sam, interaction_id=interaction_id)


def test_closing_needs_the_agent_role_and_a_closing_state(engine: Engine) -> None:
    interaction_id, alice = _open(engine)
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(AccessDenied):
        close_by_agent(actor=ada, interaction_id=interaction_id)
    with pytest.raises(InvalidInput, match="complete or abandoned"):
        close_by_agent(actor=alice, interaction_id=interaction_id, state=InteractionState.ON_HOLD)


def test_agents_can_pick_consumers_and_contacts_by_name(engine: Engine) -> None:
    alice = make_user("alice")
    make_consumer("Zoe", "+14155550123")
    make_contact("Adam", "+12025550143", account="Globex")
    names = [(p.name, p.account) for p in list_people(actor=alice)]
    assert names == [("Adam Contact", "Globex"), ("Zoe Tester", None)]
    with pytest.raises(AccessDenied):
        list_people(actor=None)


def test_new_makes_phone_chat_or_email_interactions_never_messaging_ones(engine: Engine) -> None:
    alice = make_user("alice")
    person = make_consumer("Dana", "+14155550123")
    with pytest.raises(InvalidInput, match="messaging ones start with Send"):
        create_interaction(actor=alice, type=InteractionType.MESSAGING, person=person)
    assert (
        create_interaction(actor=alice, type=InteractionType.EMAIL, person=person).type == "email"
    )
