"""Supervisors filter the board, join and leave live groups, reassign work; history says why."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import AuditEvent, InteractionState, Role
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import notices, supervision
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.live_group import history
from agent_workspace.services.interactions.supervision import BoardFilter
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

SUPERVISOR_ROLES = (Role.AGENT, Role.SUPERVISOR)
DANA = "+14155550123"


def _audit_count(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(col(AuditEvent.id))).all())


def _texted(body: str, phone: str = "+14155550188", sid: str = "e") -> int:
    return receive_sms(
        sms=InboundSms(sid="SM" + sid * 32, from_=phone, to=SUPPORT_NUMBER, body=body)
    ).interaction_id


def test_the_board_filters_counts_per_agent_and_shows_how_long_the_consumer_waits(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice, bob = make_user("alice"), make_user("bob")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    virtual = _texted("Anyone there?")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello Dana"))
    reply = receive_sms(
        sms=InboundSms(sid="SM" + "f" * 32, from_=DANA, to=SUPPORT_NUMBER, body="Hi")
    )

    full = supervision.board(actor=sam)
    rows = {r.interaction.id: r for r in full.rows}
    assert rows[virtual].waiting_since is not None and rows[virtual].virtual_agent
    assert rows[reply.interaction_id].waiting_since is not None
    assert rows[reply.interaction_id].last_message == "← Hi"
    loads = {a.name: a.active for a in full.overview.members}
    assert loads == {"Alice": 1, "Bob": 0, "Sam": 0}
    assert bob.user_id in {a.agent_id for a in full.overview.members}

    by_alice = supervision.board(actor=sam, filters=BoardFilter(agent_id=alice.user_id))
    assert [r.interaction.id for r in by_alice.rows] == [sent.interaction_id]
    virtual_only = supervision.board(actor=sam, filters=BoardFilter(virtual_agent=True))
    assert [r.interaction.id for r in virtual_only.rows] == [virtual]
    new_ones = supervision.board(actor=sam, filters=BoardFilter(state=InteractionState.NEW))
    assert [r.interaction.id for r in new_ones.rows] == [virtual]

    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Answered"))
    rows = {r.interaction.id: r for r in supervision.board(actor=sam).rows}
    assert rows[sent.interaction_id].waiting_since is None


def test_reassigning_hands_the_work_over_and_tells_both_agents(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice, bob = make_user("alice"), make_user("bob")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    number = sent.interaction_number

    outcome = supervision.reassign(
        actor=sam, interaction_id=sent.interaction_id, agent_id=bob.user_id
    )
    assert outcome.changed
    [to_alice] = notices.unread_notices(actor=alice)
    [to_bob] = notices.unread_notices(actor=bob)
    assert to_alice.text == f"Sam reassigned your {number} to Bob."
    assert to_bob.text == f"Sam assigned {number} to you (it was with Alice)."
    stays = [
        (m.agent, m.join_reason, m.left_reason)
        for m in history(actor=sam, interaction_id=sent.interaction_id)
    ]
    assert stays == [("Alice", "sent", "reassigned"), ("Bob", "reassigned", None)]
    loads = {a.name: a.active for a in supervision.board(actor=sam).overview.members}
    assert (loads["Alice"], loads["Bob"]) == (0, 1)
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "interaction.reassigned")
        ).one()
    assert (event.actor_user_id, event.detail["to"]) == (sam.user_id, bob.user_id)

    before = _audit_count(engine)
    again = supervision.reassign(
        actor=sam, interaction_id=sent.interaction_id, agent_id=bob.user_id
    )
    assert not again.changed and _audit_count(engine) == before


def test_reassigning_from_the_virtual_agent_or_to_someone_who_cannot_work_it(
    engine: Engine,
) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    bob = make_user("bob")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    virtual = _texted("Hello?")
    with pytest.raises(InvalidInput, match="Ada does not have the agent role"):
        supervision.reassign(actor=sam, interaction_id=virtual, agent_id=ada.user_id)
    supervision.reassign(actor=sam, interaction_id=virtual, agent_id=bob.user_id)
    [to_bob] = notices.unread_notices(actor=bob)
    assert to_bob.text.endswith("(it was with the virtual agent).")
    close_by_agent(actor=bob, interaction_id=virtual)
    with pytest.raises(InvalidInput, match="closed; there is nothing to reassign"):
        supervision.reassign(actor=sam, interaction_id=virtual, agent_id=sam.user_id)


def test_a_supervisor_joins_and_leaves_and_history_says_so(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    assert supervision.join_as_supervisor(actor=sam, interaction_id=sent.interaction_id).changed
    before = _audit_count(engine)
    assert not supervision.join_as_supervisor(actor=sam, interaction_id=sent.interaction_id).changed
    assert _audit_count(engine) == before
    assert supervision.leave_as_supervisor(actor=sam, interaction_id=sent.interaction_id).changed
    assert not supervision.leave_as_supervisor(
        actor=sam, interaction_id=sent.interaction_id
    ).changed
    stays = history(actor=sam, interaction_id=sent.interaction_id)
    assert [(m.agent, m.join_reason, m.left_reason) for m in stays] == [
        ("Alice", "sent", None),
        ("Sam", "joined", "left"),
    ]
    assert stays[1].left_at is not None and stays[1].left_at >= stays[1].joined_at

    supervision.take_over(actor=sam, interaction_id=sent.interaction_id)
    with pytest.raises(InvalidInput, match="assigned to you, and the assignee stays"):
        supervision.leave_as_supervisor(actor=sam, interaction_id=sent.interaction_id)
    reasons = [m.join_reason for m in history(actor=sam, interaction_id=sent.interaction_id)]
    assert reasons == ["sent", "joined", "took_over"]


def test_agents_may_not_supervise(engine: Engine) -> None:
    make_channel()
    alice, bob = make_user("alice"), make_user("bob")
    interaction_id = _texted("Hi")
    before = _audit_count(engine)
    for action in (
        lambda: supervision.reassign(
            actor=alice, interaction_id=interaction_id, agent_id=bob.user_id
        ),
        lambda: supervision.join_as_supervisor(actor=alice, interaction_id=interaction_id),
        lambda: supervision.leave_as_supervisor(actor=alice, interaction_id=interaction_id),
        lambda: supervision.board(actor=alice),
    ):
        with pytest.raises(AccessDenied, match="supervisor role"):
            action()
    assert _audit_count(engine) == before
    assert [m.agent for m in history(actor=alice, interaction_id=interaction_id)] == []
