"""A channel's business hours (issue 27 items 8 and 9): none by default (calendar time), set
by an administrator in the text form and stored canonically, audited with before and after,
cleared again; bad input refused field by field with nothing stored; `calendar_of` reads the
calendar others build on."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.domain.business_hours import Span, is_open
from agent_workspace.models import AuditEvent, Role
from agent_workspace.services.channels.after_hours import AutoReply, update_auto_reply
from agent_workspace.services.channels.business_hours import (
    BusinessHours,
    business_hours,
    clear_business_hours,
    update_business_hours,
)
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput
from agent_workspace.services.sla.calendars import calendar_of
from tests.support.factories import make_channel, make_user

DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _spans(day: int) -> str:
    """Six short spans, different each day: no range of days writes them shorter."""
    return ", ".join(f"{h:02d}:{day:02d}-{h:02d}:{day + 30:02d}" for h in range(6))


NINE_TO_FIVE = BusinessHours(
    zone="America/New_York",
    hours="monday-friday 9:00-17:00; sat 10:00-14:00",
    holidays="2026-12-25 Christmas Day, 2026-12-24",
)


def _audits(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(AuditEvent).where(AuditEvent.action == "channel.business_hours_changed")
            ).all()
        )


def test_a_channel_has_no_hours_until_an_admin_sets_them_and_clears_them(
    engine: Engine,
) -> None:
    channel_id = make_channel()
    admin = make_user("ada", roles=(Role.ADMIN,))
    assert business_hours(actor=admin) == BusinessHours()
    with Session(engine) as session:
        assert calendar_of(session, channel_id) is None

    saved = update_business_hours(actor=admin, hours=NINE_TO_FIVE)
    assert saved == BusinessHours(
        zone="America/New_York",
        hours="Mon-Fri 09:00-17:00; Sat 10:00-14:00",
        holidays="2026-12-24\n2026-12-25 Christmas Day",
    )
    assert business_hours(actor=admin) == saved
    assert update_business_hours(actor=admin, hours=saved) == saved  # unchanged: no 2nd row

    with Session(engine) as session:
        calendar = calendar_of(session, channel_id)
    assert calendar is not None
    assert calendar.zone == "America/New_York"
    assert calendar.week[0] == (Span(9 * 60, 17 * 60),) and calendar.week[6] == ()
    assert calendar.holidays == frozenset({date(2026, 12, 24), date(2026, 12, 25)})
    assert is_open(calendar, datetime(2026, 12, 7, 15, tzinfo=UTC))  # Mon 10:00 in New York
    assert not is_open(calendar, datetime(2026, 12, 25, 15, tzinfo=UTC))  # Christmas Day

    assert clear_business_hours(actor=admin) == BusinessHours()
    with Session(engine) as session:
        assert calendar_of(session, channel_id) is None

    first, second = _audits(engine)
    assert first.detail["before"] == {"zone": "", "hours": "", "holidays": ""}
    assert first.detail["after"]["hours"] == "Mon-Fri 09:00-17:00; Sat 10:00-14:00"
    assert second.detail["after"] == {"zone": "", "hours": "", "holidays": ""}
    assert first.actor_user_id == admin.user_id


@pytest.mark.parametrize(
    ("hours", "words"),
    [
        (
            BusinessHours("Mars/Olympus", "Mon 09:00-17:00"),
            {"zone": '"Mars/Olympus" is not a time zone'},
        ),
        (
            BusinessHours("UTC", "Mon 17:00-09:00", "2026-13-01"),
            {
                "hours": "ends before it starts",
                "holidays": '"2026-13-01" is not a date',
            },
        ),
        (BusinessHours("UTC", ""), {"hours": "Give the opening hours"}),
        (BusinessHours("", "Funday 09:00-17:00"), {"zone": "Give a time zone", "hours": "Funday"}),
        (BusinessHours("UTC", "Mon 09:00-17:00", "2026-01-01\n" * 400), {"holidays": "at most"}),
        (
            BusinessHours("UTC", "; ".join(f"{d} {_spans(i)}" for i, d in enumerate(DAYS))),
            {"hours": "give fewer spans a day"},
        ),
    ],
)
def test_bad_hours_are_refused_by_field_and_nothing_is_stored(
    engine: Engine, hours: BusinessHours, words: dict[str, str]
) -> None:
    make_channel()
    admin = make_user("ada", roles=(Role.ADMIN,))
    update_business_hours(actor=admin, hours=NINE_TO_FIVE)
    stored = business_hours(actor=admin)
    with pytest.raises(FieldProblems) as refused:
        update_business_hours(actor=admin, hours=hours)
    assert set(refused.value.problems) == set(words)
    for field, said in words.items():
        assert said in refused.value.problems[field]
    assert business_hours(actor=admin) == stored
    assert len(_audits(engine)) == 1


def test_only_an_administrator_sets_or_clears_business_hours(engine: Engine) -> None:
    make_channel()
    agent = make_user("alice")
    with pytest.raises(AccessDenied):
        update_business_hours(actor=agent, hours=NINE_TO_FIVE)
    with pytest.raises(AccessDenied):
        clear_business_hours(actor=agent)
    with pytest.raises(AccessDenied):
        business_hours(actor=agent)


def test_hours_the_auto_reply_answers_outside_are_kept_while_it_is_on(engine: Engine) -> None:
    """Cleared under a running auto-reply, the hours went and the reply fell silent unseen."""
    make_channel()
    admin = make_user("ada", roles=(Role.ADMIN,))
    saved = update_business_hours(actor=admin, hours=NINE_TO_FIVE)
    update_auto_reply(actor=admin, setting=AutoReply(enabled=True, text="We open at 9."))
    with pytest.raises(InvalidInput, match="Turn the after-hours auto-reply off first"):
        clear_business_hours(actor=admin)
    assert business_hours(actor=admin) == saved
    update_auto_reply(actor=admin, setting=AutoReply(enabled=False, text="We open at 9."))
    assert clear_business_hours(actor=admin) == BusinessHours()
