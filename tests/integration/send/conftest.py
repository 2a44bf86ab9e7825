"""Fixtures and helpers for the compose-and-send tests; every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace.config import get_settings
from agent_workspace.models import (
    ACTIVE_STATES,
    AuditEvent,
    ChannelUserProfile,
    Interaction,
    LiveGroupMember,
    Message,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.inbound.receive import InboundSms, Received, receive_sms
from agent_workspace.services.people import resolvers
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user

PHONE = "+14155550150"
"""The recipient's mobile in most tests."""

# Tiny real files: a JPEG (JFIF header), a 1x1 PNG and a PDF, as an agent's browser uploads them.
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"

COUNTED_TABLES: tuple[type, ...] = (Message, Interaction, ChannelUserProfile, AuditEvent)


@pytest.fixture(autouse=True)
def _fresh_resolvers() -> Iterator[None]:
    """Each test loads the resolver chosen by its own settings."""
    resolvers.clear_resolver_cache()
    yield
    resolvers.clear_resolver_cache()
    get_settings.cache_clear()


@pytest.fixture
def channel_id(engine: Engine) -> int:
    """The SMS channel with the support and billing provider numbers."""
    return make_channel()


@pytest.fixture
def agent(channel_id: int) -> Actor:
    return make_user("alice")


@pytest.fixture
def other_agent(channel_id: int) -> Actor:
    return make_user("bob")


def inbound(body: str = "hi", *, from_: str = PHONE, to: str = SUPPORT_NUMBER) -> Received:
    """A consumer's SMS arriving through the real inbound service, as the webhook stores it."""
    sid = "SM" + secrets.token_hex(16)
    return receive_sms(sms=InboundSms(sid=sid, from_=from_, to=to, body=body))


@dataclass(frozen=True)
class Counts:
    """Row counts of the tables a send writes to."""

    message: int
    interaction: int
    channel_user_profile: int
    audit_event: int


def counts(engine: Engine) -> Counts:
    with Session(engine) as session:
        found = [
            session.exec(select(func.count()).select_from(table)).one() for table in COUNTED_TABLES
        ]
    return Counts(*found)


def active_for(session: Session, phone: str) -> list[Interaction]:
    return list(
        session.exec(
            select(Interaction).where(
                Interaction.phone == phone, col(Interaction.state).in_(list(ACTIVE_STATES))
            )
        ).all()
    )


def live_group(session: Session, interaction_id: int | None) -> set[int]:
    """Agents currently in the interaction's live group."""
    return set(
        session.exec(
            select(LiveGroupMember.agent_id).where(
                LiveGroupMember.interaction_id == interaction_id,
                col(LiveGroupMember.left_at).is_(None),
            )
        ).all()
    )


def messages_of(session: Session, interaction_id: int | None) -> list[Message]:
    return list(
        session.exec(
            select(Message)
            .where(Message.interaction_id == interaction_id)
            .order_by(col(Message.id))
        ).all()
    )


def audit_rows(session: Session, action: str) -> list[AuditEvent]:
    return list(
        session.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        ).all()
    )


def assert_invariants(engine: Engine) -> None:
    """What must hold after any send: SPEC's "assignee always a member", one active interaction
    and one active profile per phone, and no message added to an interaction after it closed."""
    with Session(engine) as session:
        for interaction in session.exec(select(Interaction)).all():
            if interaction.state in ACTIVE_STATES and interaction.assigned_agent_id is not None:
                assert interaction.assigned_agent_id in live_group(session, interaction.id), (
                    f"{interaction.number}: assignee not in the live group"
                )
            if interaction.closed_at is not None:
                assert not live_group(session, interaction.id), f"{interaction.number} has members"
                late = [
                    m.id
                    for m in messages_of(session, interaction.id)
                    if m.created_at > interaction.closed_at
                ]
                assert not late, f"closed {interaction.number} received messages {late}"
        per_phone = session.exec(
            select(Interaction.channel_id, Interaction.phone, func.count())
            .where(col(Interaction.state).in_(list(ACTIVE_STATES)))
            .where(col(Interaction.phone).is_not(None))
            .group_by(col(Interaction.channel_id), col(Interaction.phone))
            .having(func.count() > 1)
        ).all()
        assert not per_phone, f"several active interactions: {per_phone}"
        profiles = session.exec(
            select(ChannelUserProfile.phone, func.count())
            .where(col(ChannelUserProfile.is_active))
            .group_by(col(ChannelUserProfile.channel_id), col(ChannelUserProfile.phone))
            .having(func.count() > 1)
        ).all()
        assert not profiles, f"several active profiles: {profiles}"


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"
