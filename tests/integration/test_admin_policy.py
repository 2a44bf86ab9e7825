"""Administrators change what agents may attach; the change applies to the next send."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.domain.attachments import KNOWN_TYPES, CandidateFile
from agent_workspace.models import AuditEvent, Channel, Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels import admin
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.admin import AdminState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_allowing_pdfs_lets_agents_send_them(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    agent = make_user("alice")
    ada = make_user("ada", roles=(Role.ADMIN,))
    request = SendRequest(
        SUPPORT_NUMBER, "+14155550123", "invoice", files=(CandidateFile("invoice.pdf", PDF),)
    )
    with pytest.raises(InvalidInput, match="not allowed"):
        send_sms(actor=agent, request=request)

    channel = admin.update_attachment_policy(
        actor=ada,
        types=["image/jpeg", "image/png", "image/gif", "application/pdf"],
        max_total_bytes=2 * 1024 * 1024,
        max_files=3,
    )
    assert "application/pdf" in channel.policy.allowed_types
    assert send_sms(actor=agent, request=request).message_id > 0
    with Session(engine) as session:
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "channel.attachment_policy_changed")
        ).one()
    assert audit.actor_user_id == ada.user_id
    assert "application/pdf" in audit.detail["after"]["types"]


@pytest.mark.parametrize(
    ("types", "max_bytes", "max_files", "reason"),
    [
        (["image/jpeg"], 6 * 1024 * 1024, 10, "at most that much media"),
        (["image/jpeg"], 0, 10, "between 1 byte"),
        (["image/jpeg"], 1024, 11, "between 1 and 10"),
        (["image/jpeg"], 1024, 0, "between 1 and 10"),
        ([], 1024, 1, "at least one attachment type"),
        (["application/x-msdownload"], 1024, 1, "Unknown attachment types"),
    ],
)
def test_policies_twilio_would_not_deliver_are_refused(
    engine: Engine, types: list[str], max_bytes: int, max_files: int, reason: str
) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(InvalidInput, match=reason):
        admin.update_attachment_policy(
            actor=ada, types=types, max_total_bytes=max_bytes, max_files=max_files
        )
    assert admin.channel_settings(actor=ada).policy.max_files == 10


def test_only_administrators_see_or_change_the_channel(engine: Engine) -> None:
    make_channel()
    agent = make_user("alice")
    with pytest.raises(AccessDenied, match="admin role"):
        admin.channel_settings(actor=agent)
    with pytest.raises(AccessDenied, match="admin role"):
        admin.update_attachment_policy(
            actor=agent, types=["image/png"], max_total_bytes=1024, max_files=1
        )


QUICKTIME = b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00" + bytes(64)


def test_admins_can_allow_every_type_the_detector_knows(engine: Engine) -> None:
    """The admin page lists the detector's MMS types; all of them fit the stored policy."""
    make_channel()
    make_consumer("Dana", "+14155550123")
    agent = make_user("alice")
    make_user("ada", roles=(Role.ADMIN,))
    token, _ = auth.sign_in(username="ada", password="ada-pass-phrase")
    state = state_for(AdminState, token)
    run(AdminState.load.fn(state))  # type: ignore[attr-defined]
    labels = {option.value: option.label for option in state.types}
    assert labels.keys() == KNOWN_TYPES.keys()
    assert labels["video/quicktime"] == "QuickTime video (video/quicktime)"
    state.types = [dataclasses.replace(option, allowed=True) for option in state.types]
    run(AdminState.save.fn(state))  # type: ignore[attr-defined]
    assert state.error == ""

    request = SendRequest(
        SUPPORT_NUMBER, "+14155550123", "clip", files=(CandidateFile("clip.mov", QUICKTIME),)
    )
    assert send_sms(actor=agent, request=request).message_id > 0
    with Session(engine) as session:
        channel = session.exec(select(Channel)).one()
    assert set(channel.attachment_types.split(",")) == set(KNOWN_TYPES)
