"""The channel's STOP policy (issue 26 item 6), on SQLite and PostgreSQL: with it on (the
default) a STOP to one number stops every number of the channel, in Send, in the composer's
preview and at the outbox's claim; a START to any number lifts it; off, each number alone."""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import AuditEvent, Message, MessageStatus, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.channels.consent import set_stop_channel_wide, stop_channel_wide
from agent_workspace.services.conversation.conversation import conversation
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.details import details
from agent_workspace.services.sending.send import SendRequest, preview_send, send_sms
from tests.integration.test_dispatcher_decisions import FakeGateway, _dispatcher, _provider_copy
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

PHONE = "+14155550161"
A, B = SUPPORT_NUMBER, BILLING_NUMBER


@pytest.fixture
def agent(engine: Engine) -> Actor:
    make_channel()
    make_consumer("Nora", PHONE)
    return make_user("alice")


@pytest.fixture
def admin(agent: Actor) -> Actor:
    return make_user("ada", roles=(Role.ADMIN,))


def _text(body: str, to: str) -> None:
    receive_sms(sms=InboundSms("SM" + secrets.token_hex(16), PHONE, to, body))


def _send(agent: Actor, sender: str, body: str = "Hello") -> int:
    return send_sms(actor=agent, request=SendRequest(sender, PHONE, body)).message_id


def test_the_policy_is_on_by_default(agent: Actor, admin: Actor) -> None:
    assert stop_channel_wide(actor=admin) is True


def test_a_stop_to_one_number_refuses_send_and_preview_from_every_number(agent: Actor) -> None:
    _text("STOP", A)

    with pytest.raises(InvalidInput) as refused:
        _send(agent, B)
    with pytest.raises(InvalidInput) as previewed:
        preview_send(actor=agent, interaction_id=None, from_number=B, to=PHONE)

    words = refused.value.message
    assert words.startswith(f"{PHONE} has opted out of messages from {A} (they texted STOP on ")
    assert "UTC), and the channel's policy stops every number after a STOP to one" in words
    assert f"sending from {B} is refused until they text START" in words
    assert previewed.value.message == words


def test_a_start_to_another_number_lifts_it_but_twilio_keeps_the_stopped_one(
    agent: Actor,
) -> None:
    _text("STOP", A)
    _text("START", B)

    assert _send(agent, B)
    with pytest.raises(
        InvalidInput, match=rf"from \{A} \(they texted STOP on .*until they text START\."
    ):
        _send(agent, A)
    _text("START", A)
    assert _send(agent, A, "Welcome back")


def test_with_the_policy_off_a_stop_holds_for_its_number_only(agent: Actor, admin: Actor) -> None:
    assert set_stop_channel_wide(actor=admin, on=False) is False
    _text("STOP", A)

    assert _send(agent, B)
    with pytest.raises(InvalidInput, match="Sending is refused until they text START"):
        _send(agent, A)
    _text("START", B)  # B was never stopped: nothing to lift, nothing written
    with transaction() as session:
        changes = session.exec(
            select(AuditEvent).where(AuditEvent.action == "opt_out.changed")
        ).all()
    assert [c.detail["sender"] for c in changes] == [A]


def test_a_queued_message_whose_phone_stopped_another_number_never_reaches_the_provider(
    agent: Actor,
) -> None:
    queued = _send(agent, B, "Your order shipped")
    _text("STOP", A)
    gateway = FakeGateway()

    _dispatcher(gateway).run_once()

    assert gateway.sent == []
    with transaction() as session:
        message = session.get(Message, queued)
        assert message is not None
        assert message.status is MessageStatus.FAILED
        assert (message.error_message or "").startswith(
            f"Not sent: {PHONE} has opted out of messages from {A}"
        )
        assert message.lease_token is None and not message.needs_reconcile


def test_a_queued_message_goes_once_the_policy_is_off(agent: Actor, admin: Actor) -> None:
    queued = _send(agent, B, "Your order shipped")
    _text("STOP", A)
    set_stop_channel_wide(actor=admin, on=False)
    gateway = FakeGateway(sends=[_provider_copy("SM" + "7" * 32, "Your order shipped")])
    _dispatcher(gateway).run_once()

    assert [m.from_ for m in gateway.sent] == [B]
    with transaction() as session:
        message = session.get(Message, queued)
        assert message is not None and message.status is MessageStatus.SENT


def test_only_an_administrator_sets_the_policy_and_each_change_is_audited(
    agent: Actor, admin: Actor
) -> None:
    with pytest.raises(AccessDenied):
        set_stop_channel_wide(actor=agent, on=False)
    set_stop_channel_wide(actor=admin, on=False)
    set_stop_channel_wide(actor=admin, on=False)  # no change, no row
    set_stop_channel_wide(actor=admin, on=True)
    with transaction() as session:
        rows = session.exec(
            select(AuditEvent).where(AuditEvent.action == "channel.stop_policy_changed")
        ).all()
    assert [(r.detail["before"], r.detail["after"], r.actor_user_id) for r in rows] == [
        (True, False, admin.user_id),
        (False, True, admin.user_id),
    ]


def _badges(agent: Actor, interaction_id: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The conversation header's "opted out of" numbers and the person panel's badges."""
    header = conversation(actor=agent, interaction_id=interaction_id).opted_out_from
    [number] = details(actor=agent, interaction_id=interaction_id).numbers
    return header, number.opted_out_from


def test_the_stop_badges_list_every_number_the_policy_blocks(agent: Actor) -> None:
    interaction_id = receive_sms(
        sms=InboundSms("SM" + secrets.token_hex(16), PHONE, A, "STOP")
    ).interaction_id

    assert _badges(agent, interaction_id) == ((A, B), ("line 0", "line 1"))
    _text("START", B)  # a START to any number lifts the channel-wide STOP; Twilio keeps A's
    assert _badges(agent, interaction_id) == ((A,), ("line 0",))


def test_with_the_policy_off_the_badges_list_the_number_texted_stop_only(
    agent: Actor, admin: Actor
) -> None:
    set_stop_channel_wide(actor=admin, on=False)
    interaction_id = receive_sms(
        sms=InboundSms("SM" + secrets.token_hex(16), PHONE, B, "STOP")
    ).interaction_id

    assert _badges(agent, interaction_id) == ((B,), ("line 1",))
