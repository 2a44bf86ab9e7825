"""The point of deciding and writing in one transaction: agents sending to the same number at
the same moment still leave exactly one active interaction, on PostgreSQL (advisory lock) and
on SQLite (BEGIN IMMEDIATE)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TypeVar

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.attachments import CandidateFile
from agent_workspace.domain.routing import Workflow
from agent_workspace.models import (
    ChannelUserProfile,
    Direction,
    Interaction,
    InteractionType,
    Message,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, SendResult, send_sms
from tests.integration.send.conftest import (
    PHONE,
    PNG,
    active_for,
    assert_invariants,
    inbound,
    live_group,
)
from tests.support.factories import SUPPORT_NUMBER, make_consumer, make_user
from tests.support.races import all_at_once

AGENTS = 20
T = TypeVar("T")


def sender(actor: Actor) -> Callable[[], SendResult]:
    request = SendRequest(SUPPORT_NUMBER, PHONE, f"Hello from {actor.username}")
    return lambda: send_sms(actor=actor, request=request)


@pytest.mark.parametrize("holder", ["nobody", "the virtual agent"])
@pytest.mark.parametrize("owner", ["known consumer", "nobody yet"])
def test_twenty_agents_sending_to_one_number_at_once_leave_one_active_interaction(
    engine: Engine, channel_id: int, owner: str, holder: str
) -> None:
    if owner == "known consumer":
        make_consumer("Carol", PHONE)
    if holder == "the virtual agent":
        inbound("anyone there?")
    agents = [make_user(f"agent{i:02d}") for i in range(AGENTS)]

    results = all_at_once([sender(a) for a in agents])

    first_workflow = Workflow.NO_ACTIVE if holder == "nobody" else Workflow.ACTIVE_VIRTUAL_AGENT
    workflows = [r.workflow for r in results]
    assert workflows.count(first_workflow) == 1
    assert workflows.count(Workflow.ACTIVE_LIVE_AGENT) == AGENTS - 1
    [first] = [r for r in results if r.workflow is first_workflow]
    with Session(engine) as session:
        [interaction] = active_for(session, PHONE)
        assert interaction.id == first.interaction_id
        assert {r.interaction_id for r in results} == {interaction.id}
        outbound = session.exec(select(Message).where(Message.direction == Direction.OUTBOUND))
        messages = outbound.all()
        assert len(messages) == AGENTS
        assert {m.interaction_id for m in messages} == {interaction.id}
        assert {m.author_id for m in messages} == {a.user_id for a in agents}
        assert live_group(session, interaction.id) == {a.user_id for a in agents}
        assert not interaction.virtual_agent
        assert interaction.assigned_agent_id == next(
            a.user_id for a, r in zip(agents, results, strict=True) if r is first
        )
        numbers = session.exec(select(Interaction.number)).all()
        assert len(numbers) == len(set(numbers)) == (1 if holder == "nobody" else 2)
        profiles = session.exec(select(ChannelUserProfile)).all()
        assert [p.is_active for p in profiles] == [True]
        assert interaction.profile_id == profiles[0].id
    assert_invariants(engine)


def test_agents_sending_while_replies_arrive_leave_one_active_interaction(
    engine: Engine, channel_id: int
) -> None:
    make_consumer("Carol", PHONE)
    agents = [make_user(f"agent{i:02d}") for i in range(AGENTS // 2)]
    replies: list[Callable[[], object]] = [
        lambda: inbound("are you there?") for _ in range(AGENTS // 2)
    ]

    all_at_once([*map(sender, agents), *replies])

    with Session(engine) as session:
        [interaction] = active_for(session, PHONE)
        assert not interaction.virtual_agent  # an agent holds it once anyone has sent
        assert len(session.exec(select(Message)).all()) == AGENTS
    assert_invariants(engine)  # among others: no message landed in a closed interaction


def test_fifty_interactions_created_at_once_get_fifty_distinct_numbers(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    carol = make_consumer("Carol", PHONE)

    def create() -> str:
        return create_interaction(actor=agent, type=InteractionType.PHONE, person=carol).number

    numbers = all_at_once([create] * 50)

    assert sorted(numbers) == [f"IMS{n:07d}" for n in range(1001, 1051)]
    with Session(engine) as session:
        stored = session.exec(select(Interaction.number).order_by(col(Interaction.number))).all()
    assert list(stored) == sorted(numbers)


def test_agents_sending_the_same_image_to_different_numbers_at_once_all_succeed(
    engine: Engine, channel_id: int
) -> None:
    image = PNG + os.urandom(4_000_000)
    agents = [make_user(f"agent{i}") for i in range(8)]
    phones = [f"+1415555{160 + i:04d}" for i in range(len(agents))]
    for actor, to in zip(agents, phones, strict=True):  # appending takes no counter row lock
        send_sms(actor=actor, request=SendRequest(SUPPORT_NUMBER, to, "Here is our offer"))

    def send_image(actor: Actor, to: str) -> Callable[[], SendResult]:
        request = SendRequest(SUPPORT_NUMBER, to, "", files=(CandidateFile("promo.png", image),))
        return lambda: send_sms(actor=actor, request=request)

    results = all_at_once([send_image(a, to) for a, to in zip(agents, phones, strict=True)])

    assert [r.workflow for r in results] == [Workflow.ACTIVE_LIVE_AGENT] * len(agents)
