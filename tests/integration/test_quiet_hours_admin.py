"""The SMS channel's quiet hours in administration (issue 26 item 2): the defaults, a change
stored and audited with before and after, clear refusals that store nothing, admins only."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import AuditEvent, Role
from agent_workspace.services.channels.quiet_hours import (
    QuietHours,
    quiet_hours,
    update_quiet_hours,
)
from agent_workspace.services.errors import AccessDenied, FieldProblems
from tests.support.factories import make_channel, make_user


def _audits(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.action == "channel.quiet_hours_changed")
            ).all()
        )


def test_a_new_channel_has_the_default_quiet_hours_and_an_admin_changes_them(
    engine: Engine,
) -> None:
    make_channel(quiet_hours=True)
    admin = make_user("ada", roles=(Role.ADMIN,))
    assert quiet_hours(actor=admin) == QuietHours(True, "08:00", "21:00", True, 24)

    wanted = QuietHours(True, "09:30", "20:00", False, 12)
    assert update_quiet_hours(actor=admin, hours=wanted) == wanted
    assert quiet_hours(actor=admin) == wanted
    assert update_quiet_hours(actor=admin, hours=wanted) == wanted  # again: no second row

    [audit] = _audits(engine)
    assert audit.detail["before"]["start"] == "08:00"
    assert audit.detail["after"] == {
        "enabled": True,
        "start": "09:30",
        "end": "20:00",
        "state_rules": False,
        "reply_exempt_hours": 12,
    }
    assert audit.actor_user_id == admin.user_id


@pytest.mark.parametrize(
    ("hours", "field", "words"),
    [
        (QuietHours(start="21:00", end="08:00"), "end", "must end after it starts"),
        (QuietHours(start="8am"), "start", "is not a time of day"),
        (QuietHours(end="24:00"), "end", "is not a time of day"),
        (QuietHours(reply_exempt_hours=-1), "reply_exempt_hours", "0 to 168 hours"),
        (QuietHours(reply_exempt_hours=169), "reply_exempt_hours", "0 to 168 hours"),
    ],
)
def test_a_wrong_value_is_refused_by_name_and_nothing_is_stored(
    engine: Engine, hours: QuietHours, field: str, words: str
) -> None:
    make_channel(quiet_hours=True)
    admin = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(FieldProblems) as refused:
        update_quiet_hours(actor=admin, hours=hours)
    assert words in refused.value.problems[field]
    assert quiet_hours(actor=admin) == QuietHours()
    assert _audits(engine) == []


def test_only_an_administrator_sets_quiet_hours(engine: Engine) -> None:
    make_channel(quiet_hours=True)
    agent = make_user("alice")
    with pytest.raises(AccessDenied):
        update_quiet_hours(actor=agent, hours=QuietHours(enabled=False))
