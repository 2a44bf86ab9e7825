"""The Details form saves what the agent edited, and only over what they saw: a pick-up, a
close or another agent's save made meanwhile is never undone by it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Interaction, InteractionState, Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.work import DetailsChange, pick_up, update_details
from agent_workspace.state.details import DetailsState
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user

STRANGER = "+14155550177"


def _waiting_with_the_virtual_agent() -> int:
    """A text from a number nobody knows: an interaction in the virtual agent's queue."""
    make_channel()
    received = receive_sms(sms=InboundSms("SM" + "7" * 32, STRANGER, SUPPORT_NUMBER, "Hello?"))
    assert received.interaction_id is not None
    return received.interaction_id


def _details(token: str, interaction_id: int) -> DetailsState:
    state = state_for(DetailsState, token)
    path = f"/interactions/{interaction_id}"
    state.router_data = {"pathname": path, "asPath": path}
    state._update_router_vars(state.router_data, {})
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # as on_load
    run(DetailsState.load.fn(state))  # type: ignore[attr-defined]
    assert state.save_error == ""
    return state


def _stored(engine: Engine, interaction_id: int) -> Interaction:
    with Session(engine) as session:
        found = session.get(Interaction, interaction_id)
        assert found is not None
        return found


def test_a_save_after_picking_up_keeps_the_pick_up(engine: Engine, unlinked_feeds: None) -> None:
    interaction_id = _waiting_with_the_virtual_agent()
    alice = make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    form = _details(token, interaction_id)  # opened while the virtual agent had it
    pick_up(actor=alice, interaction_id=interaction_id)

    DetailsState.set_short_description.fn(form, "Asked about a refund")  # type: ignore[attr-defined]
    run(DetailsState.save.fn(form))  # type: ignore[attr-defined]

    stored = _stored(engine, interaction_id)
    assert form.save_error == ""
    assert (stored.short_description, stored.state, stored.assigned_agent_id) == (
        "Asked about a refund",
        InteractionState.WORK_IN_PROGRESS,
        alice.user_id,
    )
    assert not stored.virtual_agent
    assert form.assigned_to == "Alice"  # the form shows what the save found


def test_a_save_over_a_field_changed_meanwhile_is_refused_saying_what_it_is_now(
    engine: Engine, unlinked_feeds: None
) -> None:
    interaction_id = _waiting_with_the_virtual_agent()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    alice = make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    pick_up(actor=alice, interaction_id=interaction_id)
    form = _details(token, interaction_id)
    change = DetailsChange(short_description="Refund sent")
    update_details(actor=sam, interaction_id=interaction_id, change=change)  # a supervisor

    DetailsState.set_short_description.fn(form, "Asked about a refund")  # type: ignore[attr-defined]
    DetailsState.set_state_value.fn(form, "on_hold")  # type: ignore[attr-defined]
    run(DetailsState.save.fn(form))  # type: ignore[attr-defined]

    assert form.save_error == (
        "Someone changed this interaction after you opened it: the short description is now "
        '"Refund sent". Nothing was saved: check your changes and save again.'
    )
    stored = _stored(engine, interaction_id)
    assert (stored.short_description, stored.state) == (
        "Refund sent",
        InteractionState.WORK_IN_PROGRESS,
    )
