"""The Details form changes an interaction through the same rule and the same questions as the
dedicated actions: Close's "who may" (and its notice), Send's "move this number?"."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.domain.routing import PersonRef
from agent_workspace.models import (
    ACTIVE_STATES,
    ChannelUserProfile,
    Interaction,
    InteractionState,
    Role,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import AccessDenied
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.notices import unread_notices
from agent_workspace.services.interactions.work import DetailsChange, update_details
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

MARIA_PHONE = "+14155550123"
CLOSE = DetailsChange(state=InteractionState.CLOSED_COMPLETE)


def _alices_conversation_with_maria() -> tuple[Actor, int, PersonRef]:
    make_channel()
    maria = make_consumer("Maria", MARIA_PHONE)
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, MARIA_PHONE, "Hello"))
    return alice, sent.interaction_id, maria


def _interaction(engine: Engine, interaction_id: int) -> Interaction:
    with Session(engine) as session:
        found = session.get(Interaction, interaction_id)
        assert found is not None
        return found


def _profile_person(engine: Engine, interaction_id: int) -> tuple[int | None, int | None]:
    with Session(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        assert interaction is not None and interaction.profile_id is not None
        profile = session.get(ChannelUserProfile, interaction.profile_id)
        assert profile is not None
        return profile.consumer_id, profile.contact_id


@pytest.mark.parametrize(
    "change",
    [CLOSE, DetailsChange(short_description="Refund, see case"), DetailsChange(clear_person=True)],
    ids=["close", "describe", "unlink person"],
)
def test_an_agent_who_may_not_close_it_cannot_change_it_in_details_either(
    engine: Engine, change: DetailsChange
) -> None:
    alice, interaction_id, _ = _alices_conversation_with_maria()
    bob = make_user("bob")
    with pytest.raises(AccessDenied, match="Only the assigned agent, the live group or a"):
        close_by_agent(actor=bob, interaction_id=interaction_id)
    before = _interaction(engine, interaction_id)

    with pytest.raises(AccessDenied, match="Only the assigned agent, the live group or a"):
        update_details(actor=bob, interaction_id=interaction_id, change=change)

    after = _interaction(engine, interaction_id)
    assert after.state in ACTIVE_STATES
    assert (after.short_description, after.consumer_id) == (
        before.short_description,
        before.consumer_id,
    )
    assert unread_notices(actor=alice) == []


def test_moving_the_number_to_another_person_in_details_asks_first_as_send_does(
    engine: Engine,
) -> None:
    alice, interaction_id, maria = _alices_conversation_with_maria()
    carlos = make_consumer("Carlos", "+14155550199")
    repoint = DetailsChange(person=carlos)

    with pytest.raises(ConfirmationNeeded) as asked:
        update_details(actor=alice, interaction_id=interaction_id, change=repoint)

    assert asked.value.message == (
        "Save will move +1 415-555-0123 from Maria Tester to Carlos Tester."
    )
    assert _profile_person(engine, interaction_id) == (maria.id, None)
    assert _interaction(engine, interaction_id).consumer_id == maria.id
    confirmed = DetailsChange(person=carlos, confirmed=True)
    assert update_details(actor=alice, interaction_id=interaction_id, change=confirmed) == [
        "person"
    ]
    assert _profile_person(engine, interaction_id) == (carlos.id, None)


def test_a_supervisor_closing_someone_elses_interaction_tells_them_either_way(
    engine: Engine,
) -> None:
    alice, first, _ = _alices_conversation_with_maria()
    make_consumer("Eve", "+14155550124")
    second = send_sms(
        actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550124", "Hi")
    ).interaction_id
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))

    update_details(actor=sam, interaction_id=first, change=CLOSE)
    close_by_agent(actor=sam, interaction_id=second)

    assert _interaction(engine, first).state is InteractionState.CLOSED_COMPLETE
    numbers = [_interaction(engine, i).number for i in (second, first)]  # newest first
    assert [n.text for n in unread_notices(actor=alice)] == [
        f"Sam closed your {number}." for number in numbers
    ]


def test_closing_ones_own_interaction_in_details_tells_nobody(engine: Engine) -> None:
    alice, interaction_id, _ = _alices_conversation_with_maria()
    assert update_details(actor=alice, interaction_id=interaction_id, change=CLOSE) == ["state"]
    assert _interaction(engine, interaction_id).state is InteractionState.CLOSED_COMPLETE
    assert unread_notices(actor=alice) == []
