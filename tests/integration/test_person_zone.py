"""A person's own time zone (issue 26 item 1): the agent sets it when the number does not say
(a number in several zones) or says wrongly (a US number of someone in Tokyo), clears it, and a
name that is no zone is refused with nothing stored lost; every change is audited."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.people import PersonFields
from agent_workspace.models import AuditEvent, Consumer, Role
from agent_workspace.services.errors import FieldProblems
from agent_workspace.services.people import editing, importing
from tests.support.factories import make_channel, make_consumer, make_user

MARIA = "+14155550123"


def _fields(time_zone: str) -> PersonFields:
    return PersonFields(first_name="Maria", last_name="Tester", mobile=MARIA, time_zone=time_zone)


def _stored_zone(engine: Engine, person_id: int) -> str | None:
    with Session(engine) as session:
        row = session.get(Consumer, person_id)
        assert row is not None
        return row.time_zone


def _zone_audits(engine: Engine) -> list[tuple[object, object]]:
    with Session(engine) as session:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.action == "person.updated")
            .order_by(col(AuditEvent.id))
        ).all()
    return [(r.detail["before"]["time_zone"], r.detail["after"]["time_zone"]) for r in rows]


def test_an_agent_sets_and_clears_a_persons_time_zone_and_each_change_is_audited(
    engine: Engine,
) -> None:
    make_channel()
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)

    saved = editing.update_person(actor=alice, ref=maria, fields=_fields("Asia/Tokyo"))
    assert saved.changed and saved.person.time_zone == "Asia/Tokyo"
    assert _stored_zone(engine, maria.id) == "Asia/Tokyo"
    assert editing.person_fields(actor=alice, ref=maria).time_zone == "Asia/Tokyo"
    # The same zone again writes nothing.
    assert not editing.update_person(actor=alice, ref=maria, fields=_fields("Asia/Tokyo")).changed

    cleared = editing.update_person(actor=alice, ref=maria, fields=_fields(""))
    assert cleared.changed and cleared.person.time_zone is None
    assert _stored_zone(engine, maria.id) is None
    assert _zone_audits(engine) == [(None, "Asia/Tokyo"), ("Asia/Tokyo", None)]


def test_a_name_that_is_no_time_zone_is_refused_and_the_stored_zone_stays(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)
    editing.update_person(actor=alice, ref=maria, fields=_fields("America/Chicago"))

    with pytest.raises(FieldProblems) as refused:
        editing.update_person(actor=alice, ref=maria, fields=_fields("Pacific Time"))

    assert refused.value.problems == {
        "time_zone": "'Pacific Time' is not a time zone (e.g. America/Los_Angeles, "
        "Asia/Tokyo): choose one from the list."
    }
    assert _stored_zone(engine, maria.id) == "America/Chicago"
    assert _zone_audits(engine) == [(None, "America/Chicago")]


def test_a_new_person_may_come_with_a_time_zone(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    made = editing.create_person(actor=alice, fields=_fields("Europe/Lisbon"))
    assert made.time_zone == "Europe/Lisbon"
    with Session(engine) as session:
        created = session.exec(
            select(AuditEvent).where(AuditEvent.action == "person.created")
        ).one()
    assert created.detail["time_zone"] == "Europe/Lisbon"


def test_an_import_that_updates_the_person_keeps_the_zone_an_agent_set(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    ada = make_user("ada", roles=(Role.ADMIN,))
    maria = make_consumer("Maria", MARIA)
    editing.update_person(actor=alice, ref=maria, fields=_fields("Asia/Tokyo"))

    text = "First name;Last name;Mobile;E-mail\nMaria;Tester;+14155550123;m@x.example\n"
    report = importing.import_people(actor=ada, text=text)

    assert report.updated == 1
    assert _stored_zone(engine, maria.id) == "Asia/Tokyo"
