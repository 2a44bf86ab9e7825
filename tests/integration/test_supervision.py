"""Supervisors see every active interaction with its live group, and take over."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import AuditEvent, Interaction, LiveGroupMember, Role
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import supervision
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

SUPERVISOR_ROLES = (Role.AGENT, Role.SUPERVISOR)


def _virtual_agent_interaction(phone: str = "+14155550123") -> int:
    return receive_sms(
        sms=InboundSms(sid="SM" + "e" * 32, from_=phone, to=SUPPORT_NUMBER, body="Anyone there?")
    ).interaction_id


def _members(engine: Engine, interaction_id: int) -> set[int]:
    with Session(engine) as session:
        rows = session.exec(
            select(LiveGroupMember.agent_id).where(
                LiveGroupMember.interaction_id == interaction_id,
                col(LiveGroupMember.left_at).is_(None),
            )
        ).all()
    return set(rows)


def test_the_board_lists_active_interactions_with_live_group_and_last_message(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    virtual = _virtual_agent_interaction("+14155550188")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hello Dana"))
    rows = {r.interaction.id: r for r in supervision.board(actor=sam).rows}
    assert rows[sent.interaction_id].live_group == ("Alice",)
    assert rows[sent.interaction_id].last_message == "→ Hello Dana"
    assert rows[virtual].interaction.assigned_to == "Virtual Agent"
    assert rows[virtual].last_message == "← Anyone there?"
    close_by_agent(actor=alice, interaction_id=sent.interaction_id)
    assert sent.interaction_id not in {r.interaction.id for r in supervision.board(actor=sam).rows}


def test_agents_without_the_supervisor_role_are_refused(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    interaction_id = _virtual_agent_interaction()
    with pytest.raises(AccessDenied, match="supervisor"):
        supervision.board(actor=alice)
    with pytest.raises(AccessDenied, match="supervisor"):
        supervision.take_over(actor=alice, interaction_id=interaction_id)


def test_taking_over_from_the_virtual_agent_assigns_the_supervisor(engine: Engine) -> None:
    make_channel()
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    interaction_id = _virtual_agent_interaction()
    number = supervision.take_over(actor=sam, interaction_id=interaction_id)
    with Session(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        assert interaction is not None
        assert interaction.number == number
        assert interaction.assigned_agent_id == sam.user_id
        assert not interaction.virtual_agent
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "interaction.taken_over")
        ).one()
    assert audit.actor_user_id == sam.user_id
    assert audit.detail["from"] == "virtual agent"
    assert _members(engine, interaction_id) == {sam.user_id}


def test_taking_over_from_an_agent_keeps_them_in_the_live_group(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    supervision.take_over(actor=sam, interaction_id=sent.interaction_id)
    assert _members(engine, sent.interaction_id) == {alice.user_id, sam.user_id}
    with pytest.raises(InvalidInput, match="already assigned to you"):
        supervision.take_over(actor=sam, interaction_id=sent.interaction_id)
    close_by_agent(actor=sam, interaction_id=sent.interaction_id)
    with pytest.raises(InvalidInput, match="closed"):
        supervision.take_over(actor=sam, interaction_id=sent.interaction_id)
