"""A change that changes nothing writes no audit row (Zulip's actions return early)."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import AuditEvent, Role
from agent_workspace.services.channels import admin
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user


def _actions(engine: Engine, action: str) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_saving_the_same_attachment_policy_again_writes_no_audit_row(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    policy = {"types": ["image/png", "image/jpeg"], "max_total_bytes": 1024**2, "max_files": 2}
    admin.update_attachment_policy(actor=ada, **policy)  # type: ignore[arg-type]
    admin.update_attachment_policy(actor=ada, **policy)  # type: ignore[arg-type]
    assert _actions(engine, "channel.attachment_policy_changed") == 1


def test_a_second_stop_from_an_opted_out_phone_writes_no_opt_out_row(engine: Engine) -> None:
    make_channel()
    for n, body in enumerate(["STOP", "stop", "START", "START"]):
        receive_sms(
            sms=InboundSms(sid=f"SM{n:032x}", from_="+14155550123", to=SUPPORT_NUMBER, body=body)
        )
    assert _actions(engine, "opt_out.changed") == 2
