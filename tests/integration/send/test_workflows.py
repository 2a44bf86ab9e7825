"""SPEC.md "What Send does": every effect of each of the four rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.routing import PersonRef, Workflow
from agent_workspace.models import (
    ChannelUserProfile,
    Direction,
    Interaction,
    InteractionState,
    InteractionType,
    MessageStatus,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.sending.send import SendRequest, SendResult, send_sms
from tests.integration.send.conftest import (
    PHONE,
    active_for,
    assert_invariants,
    audit_rows,
    counts,
    inbound,
    live_group,
    messages_of,
)
from tests.support.factories import SUPPORT_NUMBER, make_consumer, make_contact


def send(
    actor: Actor,
    body: str = "Hello from support",
    *,
    interaction_id: int | None = None,
    confirmed: bool = False,
) -> SendResult:
    request = SendRequest(
        from_number=SUPPORT_NUMBER,
        to=PHONE,
        body=body,
        interaction_id=interaction_id,
        confirmed=confirmed,
    )
    return send_sms(actor=actor, request=request)


def phone_interaction(actor: Actor, person: PersonRef) -> int:
    """The interaction form the agent composes from (opened with the "New" button)."""
    return create_interaction(actor=actor, type=InteractionType.PHONE, person=person).id


def active_profile_for(session: Session, phone: str) -> ChannelUserProfile:
    return session.exec(
        select(ChannelUserProfile).where(
            ChannelUserProfile.phone == phone, col(ChannelUserProfile.is_active)
        )
    ).one()


def test_row1_no_active_interaction_creates_messaging_interaction_assigned_to_sender_who_joins_live_group(  # noqa: E501
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    carol = make_consumer("Carol", PHONE)
    source_id = phone_interaction(agent, carol)

    result = send(agent, "Your parcel left the depot", interaction_id=source_id)

    assert result.workflow is Workflow.NO_ACTIVE
    assert not result.duplicate
    assert result.interaction_number == "IMS0001002"  # IMS0001001 is the phone interaction
    assert result.summary == "created a profile for the consumer; opened IMS0001002"
    with Session(engine) as session:
        [created] = active_for(session, PHONE)
        assert created.id == result.interaction_id
        assert created.number == "IMS0001002"
        assert created.type is InteractionType.MESSAGING
        assert created.state is InteractionState.WORK_IN_PROGRESS
        assert created.channel_id == channel_id
        assert created.consumer_id == carol.id and created.contact_id is None
        assert created.assigned_agent_id == agent.user_id
        assert not created.virtual_agent
        assert live_group(session, created.id) == {agent.user_id}
        profile = active_profile_for(session, PHONE)
        assert (profile.channel_id, profile.consumer_id) == (channel_id, carol.id)
        assert created.profile_id == profile.id

        [message] = messages_of(session, created.id)
        assert message.id == result.message_id
        assert message.direction is Direction.OUTBOUND
        assert message.status is MessageStatus.QUEUED
        assert message.author_id == agent.user_id
        assert (message.from_number, message.to_number) == (SUPPORT_NUMBER, PHONE)
        assert message.body == "Your parcel left the depot"
        assert message.segments == 1
        assert message.provider_sid is None

        [queued] = audit_rows(session, "message.queued")
        assert (queued.actor, queued.actor_user_id) == ("user", agent.user_id)
        assert (queued.entity_type, queued.entity_id) == ("message", message.id)
        assert queued.detail["workflow"] == "no_active_interaction"
        assert queued.detail["interaction"] == "IMS0001002"
        assert queued.detail["summary"] == result.summary
        opened = [a for a in audit_rows(session, "interaction.opened") if a.entity_id == created.id]
        assert [a.actor_user_id for a in opened] == [agent.user_id]
        [joined] = [
            a
            for a in audit_rows(session, "live_group.joined")
            if a.detail["interaction"] == "IMS0001002"
        ]
        assert joined.actor_user_id == agent.user_id
        [profile_audit] = audit_rows(session, "profile.created")
        assert profile_audit.actor_user_id == agent.user_id

        source = session.get(Interaction, source_id)
        assert source is not None and source.state is InteractionState.NEW  # untouched
        assert messages_of(session, source_id) == []
    assert_invariants(engine)


def test_row2_active_with_live_agent_appends_and_adds_sender_to_live_group_without_reassigning(
    engine: Engine, channel_id: int, agent: Actor, other_agent: Actor
) -> None:
    make_consumer("Carol", PHONE)
    first = send(agent, "First")

    second = send(other_agent, "Second, from a colleague")

    assert second.workflow is Workflow.ACTIVE_LIVE_AGENT
    assert second.interaction_id == first.interaction_id
    assert (
        second.summary
        == f"added the message to interaction {first.interaction_number} and joined its live group"
    )
    with Session(engine) as session:
        [interaction] = active_for(session, PHONE)
        assert interaction.id == first.interaction_id
        assert interaction.assigned_agent_id == agent.user_id  # the assignment does not change
        assert live_group(session, interaction.id) == {agent.user_id, other_agent.user_id}
        bodies = [(m.body, m.author_id, m.status) for m in messages_of(session, interaction.id)]
        assert bodies == [
            ("First", agent.user_id, MessageStatus.QUEUED),
            ("Second, from a colleague", other_agent.user_id, MessageStatus.QUEUED),
        ]
        assert len(session.exec(select(Interaction)).all()) == 1
        queued = audit_rows(session, "message.queued")[-1]
        assert queued.actor_user_id == other_agent.user_id
        assert queued.detail["workflow"] == "active_with_live_agent"
        joined = audit_rows(session, "live_group.joined")[-1]
        assert (joined.actor_user_id, joined.detail["agent_id"]) == (
            other_agent.user_id,
            other_agent.user_id,
        )
        joins_before = len(audit_rows(session, "live_group.joined"))

    third = send(agent, "Back to the assignee")  # already a member: nobody joins again

    assert third.workflow is Workflow.ACTIVE_LIVE_AGENT
    assert third.summary == f"added the message to interaction {first.interaction_number}"
    with Session(engine) as session:
        assert len(audit_rows(session, "live_group.joined")) == joins_before
        assert live_group(session, first.interaction_id) == {agent.user_id, other_agent.user_id}
        assert len(messages_of(session, first.interaction_id)) == 3
    assert_invariants(engine)


def test_row3_active_with_virtual_agent_closes_it_and_opens_new_one_for_sender(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    carol = make_consumer("Carol", PHONE)
    arrived = inbound("hi, is anyone there?")
    assert arrived.interaction_number == "IMS0001001"
    with Session(engine) as session:
        virtual = session.get(Interaction, arrived.interaction_id)
        assert virtual is not None and virtual.virtual_agent
        profile_id = virtual.profile_id

    result = send(agent, "Hi Carol, Alice here")

    assert result.workflow is Workflow.ACTIVE_VIRTUAL_AGENT
    assert result.summary == "closed virtual-agent interaction IMS0001001; opened IMS0001002"
    with Session(engine) as session:
        closed = session.get(Interaction, arrived.interaction_id)
        assert closed is not None
        assert closed.state is InteractionState.CLOSED_COMPLETE
        assert closed.closed_at is not None
        assert live_group(session, closed.id) == set()
        assert [m.direction for m in messages_of(session, closed.id)] == [Direction.INBOUND]

        [opened] = active_for(session, PHONE)
        assert (opened.id, opened.number) == (result.interaction_id, "IMS0001002")
        assert opened.type is InteractionType.MESSAGING
        assert opened.assigned_agent_id == agent.user_id and not opened.virtual_agent
        assert opened.consumer_id == carol.id
        assert opened.profile_id == profile_id  # same person: the profile stays
        assert active_profile_for(session, PHONE).id == profile_id
        assert live_group(session, opened.id) == {agent.user_id}
        [message] = messages_of(session, opened.id)
        assert (message.status, message.author_id) == (MessageStatus.QUEUED, agent.user_id)

        [closing] = audit_rows(session, "interaction.closed")
        assert (closing.actor_user_id, closing.entity_id) == (agent.user_id, closed.id)
        assert "active_with_virtual_agent" in closing.detail["reason"]
        assert audit_rows(session, "message.queued")[-1].detail["workflow"] == (
            "active_with_virtual_agent"
        )
        assert audit_rows(session, "profile.created")[-1].actor == "provider"

    reply = inbound("thanks!")  # the closed interaction never receives messages again
    follow_up = send(agent, "You're welcome", interaction_id=arrived.interaction_id)  # stale form

    assert reply.interaction_id == follow_up.interaction_id == result.interaction_id
    assert follow_up.workflow is Workflow.ACTIVE_LIVE_AGENT
    with Session(engine) as session:
        assert len(messages_of(session, arrived.interaction_id)) == 1
    assert_invariants(engine)


def test_row4_active_with_different_user_closes_deactivates_old_profile_creates_new_profile_and_interaction(  # noqa: E501
    engine: Engine, channel_id: int, agent: Actor, other_agent: Actor
) -> None:
    dan = make_consumer("Dan", PHONE)  # a family phone, also a contact's work mobile
    erin = make_contact("Erin", PHONE)
    about_dan = phone_interaction(agent, dan)
    to_dan = send(agent, "Hi Dan", interaction_id=about_dan)
    assert to_dan.workflow is Workflow.NO_ACTIVE
    with Session(engine) as session:
        old_profile_id = active_profile_for(session, PHONE).id
    about_erin = phone_interaction(other_agent, erin)

    before = counts(engine)
    with pytest.raises(ConfirmationNeeded, match=r"close IMS\d+ \(held by Alice\) and move"):
        send(other_agent, "Hi Erin", interaction_id=about_erin)  # asks first, writes nothing
    assert counts(engine) == before
    result = send(other_agent, "Hi Erin", interaction_id=about_erin, confirmed=True)

    assert result.workflow is Workflow.ACTIVE_DIFFERENT_USER
    assert (to_dan.interaction_number, result.interaction_number) == ("IMS0001002", "IMS0001004")
    assert result.summary == (
        "closed interaction IMS0001002 of the person who had this number; "
        "deactivated the previous person's profile for this number; "
        "created a profile for the contact; opened IMS0001004"
    )
    with Session(engine) as session:
        closed = session.get(Interaction, to_dan.interaction_id)
        assert closed is not None and closed.state is InteractionState.CLOSED_COMPLETE
        assert closed.closed_at is not None
        assert live_group(session, closed.id) == set()
        assert [m.body for m in messages_of(session, closed.id)] == ["Hi Dan"]

        old = session.get(ChannelUserProfile, old_profile_id)
        assert old is not None and not old.is_active and old.deactivated_at is not None
        assert old.consumer_id == dan.id
        new = active_profile_for(session, PHONE)
        assert new.id != old_profile_id
        assert (new.contact_id, new.consumer_id, new.channel_id) == (erin.id, None, channel_id)

        [opened] = active_for(session, PHONE)
        assert opened.id == result.interaction_id
        assert opened.type is InteractionType.MESSAGING
        assert (opened.contact_id, opened.consumer_id) == (erin.id, None)
        assert opened.profile_id == new.id
        assert opened.assigned_agent_id == other_agent.user_id
        assert live_group(session, opened.id) == {other_agent.user_id}
        [message] = messages_of(session, opened.id)
        assert (message.body, message.author_id, message.status) == (
            "Hi Erin",
            other_agent.user_id,
            MessageStatus.QUEUED,
        )

        [deactivated] = audit_rows(session, "profile.deactivated")
        assert (deactivated.actor_user_id, deactivated.entity_id) == (
            other_agent.user_id,
            old_profile_id,
        )
        created = audit_rows(session, "profile.created")[-1]
        assert (created.actor_user_id, created.entity_id) == (other_agent.user_id, new.id)
        [closing] = audit_rows(session, "interaction.closed")
        assert closing.actor_user_id == other_agent.user_id
        queued = audit_rows(session, "message.queued")[-1]
        assert queued.detail["workflow"] == "active_with_different_user"
        assert queued.actor_user_id == other_agent.user_id

        for source_id in (about_dan, about_erin):  # the forms composed from stay as they were
            source = session.get(Interaction, source_id)
            assert source is not None and source.state is InteractionState.NEW
    assert_invariants(engine)


def test_a_long_body_is_counted_in_segments_and_unicode_in_ucs2_segments(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    make_consumer("Carol", PHONE)
    gsm = send(agent, "x" * 161)
    ucs2 = send(agent, "Thanks 🙂 " * 9)  # 90 UCS-2 units: two 67-unit segments

    with Session(engine) as session:
        assert [m.segments for m in messages_of(session, gsm.interaction_id)] == [2, 2]
    assert ucs2.interaction_id == gsm.interaction_id
