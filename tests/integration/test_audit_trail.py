"""Audit rows name the interaction they concern, so the log can be read per interaction."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import AuditEvent
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user


def test_rows_about_an_interactions_messages_and_live_group_carry_its_id(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    with Session(engine) as session:
        rows = {
            e.action: e.interaction_id
            for e in session.exec(select(AuditEvent)).all()
            if e.action != AuditAction.AUTH_SIGNED_IN
        }
    assert rows[AuditAction.MESSAGE_QUEUED] == sent.interaction_id
    assert rows[AuditAction.INTERACTION_OPENED] == sent.interaction_id
    assert rows[AuditAction.LIVE_GROUP_JOINED] == sent.interaction_id
    assert rows[AuditAction.PROFILE_CREATED] is None
