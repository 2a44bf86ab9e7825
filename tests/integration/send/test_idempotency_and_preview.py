"""A retried or double-clicked Send stores one message; preview_send predicts and writes nothing;
numbers typed in any notation are stored in E.164."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.routing import Workflow
from agent_workspace.models import Consumer, InteractionType, Message
from agent_workspace.services.access import Actor
from agent_workspace.services.interactions.lifecycle import close_interaction, create_interaction
from agent_workspace.services.sending.send import (
    SendRequest,
    SendResult,
    preview_send,
    send_sms,
)
from tests.integration.send.conftest import (
    PHONE,
    active_for,
    assert_invariants,
    counts,
    inbound,
    messages_of,
)
from tests.support.factories import SUPPORT_NUMBER, make_consumer, make_contact


def message_count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Message)).one()


def test_the_same_idempotency_key_twice_stores_one_message(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    make_consumer("Carol", PHONE)
    request = SendRequest(SUPPORT_NUMBER, PHONE, "Once only", idempotency_key="compose-1")

    first = send_sms(actor=agent, request=request)
    second = send_sms(actor=agent, request=request)

    assert not first.duplicate and first.workflow is Workflow.NO_ACTIVE
    assert second.duplicate and second.workflow is None
    assert (second.message_id, second.interaction_id, second.interaction_number) == (
        first.message_id,
        first.interaction_id,
        first.interaction_number,
    )
    assert second.summary == f"already sent in {first.interaction_number}"
    assert message_count(engine) == 1


def test_a_concurrent_double_click_stores_one_message(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    make_consumer("Carol", PHONE)
    request = SendRequest(SUPPORT_NUMBER, PHONE, "Double click", idempotency_key="compose-2")
    barrier = threading.Barrier(2)

    def click() -> SendResult:
        barrier.wait()
        return send_sms(actor=agent, request=request)

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(lambda _: click(), range(2)))

    assert sorted(r.duplicate for r in results) == [False, True]
    assert len({r.message_id for r in results}) == 1
    assert message_count(engine) == 1
    with Session(engine) as session:
        assert len(messages_of(session, results[0].interaction_id)) == 1
    assert_invariants(engine)


def test_preview_names_the_workflow_send_then_takes_and_writes_nothing(
    engine: Engine, channel_id: int, agent: Actor, other_agent: Actor
) -> None:
    carol = make_consumer("Carol", PHONE)
    erin = make_contact("Erin", PHONE)
    about_carol = create_interaction(actor=agent, type=InteractionType.PHONE, person=carol).id
    about_erin = create_interaction(actor=agent, type=InteractionType.PHONE, person=erin).id

    def preview_then_send(actor: Actor, interaction_id: int, expected: Workflow) -> None:
        before = counts(engine)
        preview = preview_send(
            actor=actor, interaction_id=interaction_id, from_number=SUPPORT_NUMBER, to=PHONE
        )
        assert counts(engine) == before
        assert (preview.workflow, preview.to) == (expected, PHONE)
        # Only moving the number to another person (and closing Alice's) asks first.
        assert bool(preview.confirm) == (expected is Workflow.ACTIVE_DIFFERENT_USER)
        request = SendRequest(
            SUPPORT_NUMBER,
            PHONE,
            "Hello",
            interaction_id=interaction_id,
            confirmed=bool(preview.confirm),
        )
        assert send_sms(actor=actor, request=request).workflow is expected

    preview_then_send(agent, about_carol, Workflow.NO_ACTIVE)
    preview_then_send(other_agent, about_carol, Workflow.ACTIVE_LIVE_AGENT)
    preview_then_send(other_agent, about_erin, Workflow.ACTIVE_DIFFERENT_USER)
    with transaction(engine) as session:  # the agents wrap up; Erin texts again later
        for interaction in active_for(session, PHONE):
            close_interaction(session=session, actor=agent, interaction=interaction, reason="done")
    inbound("hello again")
    preview_then_send(agent, about_erin, Workflow.ACTIVE_VIRTUAL_AGENT)
    assert_invariants(engine)


def test_a_send_says_what_the_next_send_does_as_preview_send_would(
    engine: Engine, channel_id: int, agent: Actor, other_agent: Actor
) -> None:
    """send_sms returns the composer's next preview (no second preview_send per Send), and it
    is preview_send's, whichever workflow the first Send took."""
    carol = make_consumer("Carol", PHONE)
    erin = make_contact("Erin", PHONE)
    about_carol = create_interaction(actor=agent, type=InteractionType.PHONE, person=carol).id
    about_erin = create_interaction(actor=agent, type=InteractionType.PHONE, person=erin).id

    def send_then_preview(actor: Actor, interaction_id: int | None, expected: Workflow) -> None:
        request = SendRequest(
            SUPPORT_NUMBER, PHONE, "Hello", interaction_id=interaction_id, confirmed=True
        )
        sent = send_sms(actor=actor, request=request)
        assert sent.workflow is expected
        preview = preview_send(
            actor=actor, interaction_id=interaction_id, from_number=SUPPORT_NUMBER, to=PHONE
        )
        assert sent.next == preview
        assert preview.plan == f"add the message to interaction {sent.interaction_number}"

    send_then_preview(agent, about_carol, Workflow.NO_ACTIVE)
    send_then_preview(other_agent, about_carol, Workflow.ACTIVE_LIVE_AGENT)
    send_then_preview(other_agent, about_erin, Workflow.ACTIVE_DIFFERENT_USER)
    with transaction(engine) as session:
        for interaction in active_for(session, PHONE):
            close_interaction(session=session, actor=agent, interaction=interaction, reason="done")
    inbound("hello again")
    send_then_preview(agent, None, Workflow.ACTIVE_VIRTUAL_AGENT)


def test_preview_of_a_number_nobody_has_creates_no_consumer(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    def consumers() -> int:
        with Session(engine) as session:
            return session.exec(select(func.count()).select_from(Consumer)).one()

    before, consumers_before = counts(engine), consumers()
    preview = preview_send(
        actor=agent, interaction_id=None, from_number=SUPPORT_NUMBER, to="(415) 555-0177"
    )
    assert (preview.workflow, preview.to) == (Workflow.NO_ACTIVE, "+14155550177")
    assert (counts(engine), consumers()) == (before, consumers_before)
    # Said as what Send will do, before it does it (the toast afterwards says what it did).
    assert preview.plan == "create a profile for the consumer and open a new interaction"


@pytest.mark.parametrize(
    ("typed", "country", "stored"),
    [
        ("(415) 555-0123", "US", "+14155550123"),
        ("415.555.0123", "US", "+14155550123"),
        ("+1 415-555-0123", "US", "+14155550123"),
        ("0412 345 678", "AU", "+61412345678"),
        ("+61 412 345 678", "US", "+61412345678"),
    ],
)
def test_a_number_typed_in_another_notation_is_stored_in_e164(
    engine: Engine, channel_id: int, agent: Actor, typed: str, country: str, stored: str
) -> None:
    person = make_consumer("Zoe", stored, country=country)
    about = create_interaction(actor=agent, type=InteractionType.PHONE, person=person).id

    result = send_sms(
        actor=agent,
        request=SendRequest(SUPPORT_NUMBER, typed, "Hi Zoe", interaction_id=about),
    )

    with Session(engine) as session:
        [message] = messages_of(session, result.interaction_id)
        [interaction] = active_for(session, stored)
    assert message.to_number == stored
    assert interaction.id == result.interaction_id
    assert interaction.consumer_id == person.id
