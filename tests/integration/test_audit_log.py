"""Administrators read the audit log newest first, filtered and paged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from agent_workspace.models import AuditEvent, Role, utcnow
from agent_workspace.services.audit_log import AuditFilter, audit_log
from agent_workspace.services.errors import AccessDenied, FieldProblems
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user


def _all_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        rows = session.exec(select(AuditEvent.id).order_by(col(AuditEvent.id).desc())).all()
    return [r for r in rows if r is not None]


def test_pages_cover_every_row_once_newest_first_even_as_rows_are_added(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    for name in ("alice", "bob", "carol", "dave"):
        make_user(name)
    expected = _all_ids(engine)
    first = audit_log(actor=ada, page_size=3)
    make_user("erin")  # written between two pages: the next page does not shift
    seen = [r.id for r in first.rows]
    cursor = first.next_cursor
    while cursor:
        page = audit_log(actor=ada, page_size=3, cursor=cursor)
        seen += [r.id for r in page.rows]
        cursor = page.next_cursor
    assert seen == expected
    assert all(a.at >= b.at for a, b in zip(first.rows, first.rows[1:], strict=False))


def test_filters_by_user_interaction_and_dates(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    make_consumer("Eve", "+14155550124")
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice, bob = make_user("alice"), make_user("bob")
    to_dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550124", "Hi"))

    by_bob = audit_log(actor=ada, filters=AuditFilter(username=" BOB "))
    assert by_bob.rows and {r.who for r in by_bob.rows} == {"Bob"}
    about_dana = audit_log(
        actor=ada, filters=AuditFilter(interaction_number=to_dana.interaction_number.lower())
    )
    assert {r.interaction for r in about_dana.rows} == {to_dana.interaction_number}
    assert "message.queued" in {r.action for r in about_dana.rows}
    today = utcnow().date()
    assert len(audit_log(actor=ada, filters=AuditFilter(date_from=today, date_to=today)).rows) == (
        len(_all_ids(engine))
    )
    tomorrow = today + timedelta(days=1)
    assert audit_log(actor=ada, filters=AuditFilter(date_from=tomorrow)).rows == ()


def test_a_days_filter_is_that_day_in_the_readers_time_zone(engine: Engine) -> None:
    """23:30 UTC on 7 December is already the 8th in Tokyo and still the 7th in New York."""
    ada = make_user("ada", roles=(Role.ADMIN,))
    with Session(engine) as session:  # the rows' moment, as if written then
        session.exec(update(AuditEvent).values(at=datetime(2026, 12, 7, 23, 30, tzinfo=UTC)))
        session.commit()
    every = len(_all_ids(engine))

    def on(day: date, zone: str) -> int:
        return len(
            audit_log(
                actor=ada, filters=AuditFilter(date_from=day, date_to=day, time_zone=zone)
            ).rows
        )

    seventh, eighth = date(2026, 12, 7), date(2026, 12, 8)
    assert (on(seventh, "UTC"), on(eighth, "UTC")) == (every, 0)
    assert (on(seventh, "Asia/Tokyo"), on(eighth, "Asia/Tokyo")) == (0, every)
    assert (on(seventh, "America/New_York"), on(eighth, "America/New_York")) == (every, 0)


def test_filters_that_match_nothing_known_are_refused_by_field(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    today = utcnow().date()
    with pytest.raises(FieldProblems) as refused:
        audit_log(
            actor=ada,
            filters=AuditFilter(
                username="nobody",
                interaction_number="IMS0009999",
                date_from=today,
                date_to=today - timedelta(days=1),
            ),
        )
    assert refused.value.problems == {
        "username": "No user named 'nobody'.",
        "interaction": "No interaction numbered IMS0009999.",
        "date_to": "The end date is before the start date.",
    }


def test_only_administrators_read_the_log(engine: Engine) -> None:
    alice = make_user("alice", roles=(Role.AGENT, Role.SUPERVISOR))
    with pytest.raises(AccessDenied, match="admin role"):
        audit_log(actor=alice)
