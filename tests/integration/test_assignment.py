"""Availability and automatic assignment (issue 27 items 1 and 2), through the services, on
SQLite and PostgreSQL: a text that opens an interaction goes to an Available agent with room,
round robin; what nobody can take waits and is handed out when an agent turns Available; two
routers at once assign each interaction exactly once and never past an agent's capacity; two
hand-outs at once are ordered by the assignment lock, and without it a text waits while an
agent has room (forced with a barrier, on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.availability import Presence
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import (
    AuditEvent,
    AuthSession,
    Interaction,
    LiveGroupMember,
    Notice,
    Role,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels.assignment import (
    Assignment,
    assignment,
    update_assignment,
)
from agent_workspace.services.errors import FieldProblems, InvalidInput
from agent_workspace.services.inbound.receive import receive_sms
from agent_workspace.services.interactions import assignment as assignment_module
from agent_workspace.services.interactions.assignment import set_presence
from agent_workspace.services.interactions.availability import my_presence
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.supervision import load_board
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user
from tests.support.waiting import wait_until

pytestmark = pytest.mark.usefixtures("engine")


def _text(n: int, phone: str | None = None) -> int:
    """A first text from a phone of its own (or `phone`); returns the interaction it went to."""
    sms = InboundText(
        sid=f"SM{n:032x}",
        from_=phone or f"+1201555{n:04d}",
        to=SUPPORT_NUMBER,
        body=f"Hello {n}",
    )
    return receive_sms(sms=sms).interaction_id


def _holder(interaction_id: int) -> int | None:
    with transaction() as session:
        interaction = session.get(Interaction, interaction_id)
        assert interaction is not None
        return None if interaction.virtual_agent else interaction.assigned_agent_id


def _turn_on(admin: Actor, capacity: int = 2) -> None:
    update_assignment(actor=admin, setting=Assignment(enabled=True, capacity=capacity))


@pytest.fixture
def admin() -> Actor:
    make_channel()
    return make_user("root", roles=(Role.ADMIN,))


def test_a_new_channel_leaves_new_texts_with_the_virtual_agent(admin: Actor) -> None:
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")

    assert assignment(actor=admin) == Assignment(enabled=False, capacity=5)
    assert _holder(_text(1)) is None


def test_new_texts_go_round_the_available_agents_up_to_their_capacity(admin: Actor) -> None:
    alice, bob, carl = make_user("alice"), make_user("bob"), make_user("carl")
    set_presence(actor=alice, presence="available")
    set_presence(actor=bob, presence="Available")
    _turn_on(admin, capacity=2)

    holders = [_holder(_text(n)) for n in range(1, 7)]

    a, b = alice.user_id, bob.user_id
    assert holders == [a, b, a, b, None, None]  # carl never chose Available
    assert carl.user_id not in holders


def test_an_assignment_is_audited_noticed_and_the_agent_joins_the_live_group(
    admin: Actor,
) -> None:
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    _turn_on(admin)
    published: list[events.Event] = []
    stop = events.subscribe(published.append)
    try:
        interaction_id = _text(1)
    finally:
        stop()

    with transaction() as session:
        audit = session.exec(
            select(AuditEvent).where(
                AuditEvent.action == "interaction.assigned",
                AuditEvent.entity_id == interaction_id,
            )
        ).one()
        assert (audit.actor, audit.detail["to"]) == ("system", alice.user_id)
        member = session.exec(
            select(LiveGroupMember).where(LiveGroupMember.interaction_id == interaction_id)
        ).one()
        assert (member.agent_id, member.join_reason.value) == (alice.user_id, "assigned")
        notice = session.exec(select(Notice).where(Notice.agent_id == alice.user_id)).one()
        assert "assigned to you" in notice.text
    assert events.NoticeCreated(alice.user_id) in published
    assert any(
        isinstance(e, events.InteractionChanged) and alice.user_id in e.agent_ids for e in published
    )


def test_an_agent_whose_sessions_ended_is_offline_and_gets_nothing(admin: Actor) -> None:
    alice = make_user("alice")
    auth.sign_in(username="alice", password="alice-pass-phrase")  # a second tab
    set_presence(actor=alice, presence="available")
    _turn_on(admin)
    with transaction() as session:  # the first sign-in ends too
        for auth_session in session.exec(select(AuthSession)).all():
            if auth_session.user_id == alice.user_id:
                auth_session.revoked_at = utcnow()
                session.add(auth_session)

    assert _holder(_text(1)) is None
    board = {a.agent_id: a for a in load_board().overview.members}
    assert board[alice.user_id].status == "Offline (no session)"


def test_the_queue_is_handed_out_oldest_first_when_an_agent_turns_available(
    admin: Actor,
) -> None:
    alice = make_user("alice")
    _turn_on(admin, capacity=2)
    waiting = [_text(n) for n in range(1, 4)]
    assert [_holder(i) for i in waiting] == [None, None, None]

    assert set_presence(actor=alice, presence="available") == Presence.AVAILABLE

    assert [_holder(i) for i in waiting] == [alice.user_id, alice.user_id, None]
    assert my_presence(actor=alice) == Presence.AVAILABLE
    board = {a.agent_id: a for a in load_board().overview.members}
    assert (board[alice.user_id].status, board[alice.user_id].active) == ("Available", 2)


def test_closing_one_frees_room_for_the_oldest_waiting(admin: Actor) -> None:
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    _turn_on(admin, capacity=1)
    first, second, third = _text(1), _text(2), _text(3)
    assert [_holder(i) for i in (first, second, third)] == [alice.user_id, None, None]

    close_by_agent(actor=alice, interaction_id=first)

    assert [_holder(i) for i in (second, third)] == [alice.user_id, None]


def test_an_available_agent_signing_in_again_takes_the_queue(admin: Actor) -> None:
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    _turn_on(admin)
    with transaction() as session:  # every session of hers ends: Offline, whatever she chose
        for auth_session in session.exec(select(AuthSession)).all():
            if auth_session.user_id == alice.user_id:
                auth_session.revoked_at = utcnow()
                session.add(auth_session)
    waiting = _text(1)
    assert _holder(waiting) is None

    auth.sign_in(username="alice", password="alice-pass-phrase")

    assert _holder(waiting) == alice.user_id


def test_turning_assignment_on_hands_out_the_queue(admin: Actor) -> None:
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    first = _text(1)
    assert _holder(first) is None

    _turn_on(admin)

    assert _holder(first) == alice.user_id


def test_away_and_offline_take_nothing(admin: Actor) -> None:
    alice = make_user("alice")
    _turn_on(admin)
    set_presence(actor=alice, presence="away")
    assert _holder(_text(1)) is None
    set_presence(actor=alice, presence="offline")
    assert _holder(_text(2)) is None


@pytest.mark.parametrize("bad", ["busy", "", "available!"])
def test_a_status_that_is_none_of_the_three_is_refused(admin: Actor, bad: str) -> None:
    alice = make_user("alice")
    with pytest.raises(InvalidInput, match="choose available, away or offline"):
        set_presence(actor=alice, presence=bad)


@pytest.mark.parametrize("capacity", [0, -1, 101])
def test_a_capacity_out_of_range_is_refused(admin: Actor, capacity: int) -> None:
    with pytest.raises(FieldProblems) as refused:
        update_assignment(actor=admin, setting=Assignment(enabled=True, capacity=capacity))
    assert "capacity" in refused.value.problems


def test_two_routers_at_once_assign_each_interaction_once_within_capacity(
    admin: Actor, engine: Engine
) -> None:
    agents = [make_user(name) for name in ("alice", "bob", "carl")]
    for agent in agents:
        set_presence(actor=agent, presence="available")
    _turn_on(admin, capacity=3)
    start = threading.Barrier(2)

    def route(offset: int) -> list[int]:
        start.wait()
        return [_text(offset + n) for n in range(6)]

    with ThreadPoolExecutor(2) as pool:
        routed = [i for batch in pool.map(route, (100, 200)) for i in batch]

    holders = [_holder(i) for i in routed]
    with transaction() as session:
        assigned = session.exec(
            select(AuditEvent.entity_id).where(AuditEvent.action == "interaction.assigned")
        ).all()
        members = session.exec(
            select(LiveGroupMember.interaction_id).where(
                col(LiveGroupMember.interaction_id).in_(routed)
            )
        ).all()
    assert len(routed) == 12
    assert sorted(a for a in assigned if a is not None) == sorted(
        i for i, h in zip(routed, holders, strict=True) if h
    )
    assert len(members) == len(assigned)  # one live group member per assignment
    loads = {agent.user_id: holders.count(agent.user_id) for agent in agents}
    assert loads == {agent.user_id: 3 for agent in agents}  # full, never past it
    assert holders.count(None) == 3


def _two_agents_turn_available_at_once(
    admin: Actor,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
    hold: Callable[[int], object],
    second_starts: threading.Event | None = None,
) -> tuple[list[Actor], list[int | None]]:
    """Two texts wait (capacity 1, nobody Available); then Alice (0) and Bob (1) turn
    Available at once, each handing out the queue in its own transaction. Each, once it has
    read the candidates, calls `hold` with its number; Bob starts once `second_starts` is set,
    when given. Returns the agents and who holds each text.

    Two routers cannot show the lock's worth on PostgreSQL: each opens an interaction and so
    bumps the same number counter row, which already serialises them. Two hand-outs share no
    row before they give: only the assignment lock orders them."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serialises every writer itself (BEGIN IMMEDIATE): no race to force")
    agents = [make_user("alice"), make_user("bob")]
    _turn_on(admin, capacity=1)
    waiting = [_text(400), _text(401)]
    assert [_holder(i) for i in waiting] == [None, None]
    read = assignment_module.candidates
    which = threading.local()

    def candidates(*args: Any, **kwargs: Any) -> Any:
        found = read(*args, **kwargs)
        hold(which.n)
        return found

    monkeypatch.setattr(assignment_module, "candidates", candidates)

    def turn_available(n: int) -> None:
        which.n = n
        if n == 1 and second_starts is not None:
            assert second_starts.wait(timeout=30), "Alice's hand-out never read the candidates"
        set_presence(actor=agents[n], presence="available")

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(turn_available, (0, 1)))
    return agents, [_holder(i) for i in waiting]


def test_two_agents_turning_available_at_once_each_get_a_waiting_text(
    admin: Actor, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the lock: Alice's hand-out reads, then holds on until Bob's is seen waiting for an
    advisory lock (pg_locks); Bob's then reads what is left and takes the other text."""
    first_read = threading.Event()

    def someone_waits_for_a_lock() -> bool:
        with engine.connect() as connection:
            waiting = connection.execute(
                sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")
            ).scalar_one()
        return int(waiting) >= 1

    def hold(n: int) -> None:
        if n == 0:
            first_read.set()
            wait_until(someone_waits_for_a_lock, timeout=30, what="Bob's hand-out to wait")

    agents, holders = _two_agents_turn_available_at_once(
        admin, engine, monkeypatch, hold, second_starts=first_read
    )
    assert holders == [a.user_id for a in agents]  # the oldest to Alice, the next to Bob


def test_without_the_assignment_lock_a_text_waits_while_an_agent_has_room(
    admin: Actor, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race the lock prevents, forced: both hand-outs read before either gives, both plan
    the oldest text, the second finds it taken and gives nothing, so a text waits while Bob
    has room. The test above would fail so."""
    monkeypatch.setattr(assignment_module, "lock_assignment", lambda session, channel_id: None)
    both_read = threading.Barrier(2, timeout=30)  # the bound of a broken run, never waited out
    agents, holders = _two_agents_turn_available_at_once(
        admin, engine, monkeypatch, lambda n: both_read.wait()
    )
    assert holders.count(None) == 1  # one text still waits
    assert {a.user_id for a in agents} - set(holders)  # and an Available agent has room
