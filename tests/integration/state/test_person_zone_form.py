"""The person panel's time zone (issue 26 item 1): the header says the consumer's time from
their number, the panel asks for a zone when the number spans several, and Edit person sets
one, or refuses a name that is no zone and keeps what was stored."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Consumer
from agent_workspace.services.accounts import auth
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import details as details_service
from agent_workspace.state.details import DetailsState
from agent_workspace.state.person_form import PersonFormState
from tests.integration.state.test_access_checks import run
from tests.integration.state.test_details_form import _details
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

MARIA = "+14155550123"
AUSTRALIAN = "+61412345678"  # a mobile: anywhere in Australia's zones


def _opened(phone: str) -> tuple[DetailsState, int]:
    make_channel()
    make_user("alice")
    person = make_consumer("Maria", phone)
    sid = "SM" + "5" * 32
    received = receive_sms(sms=InboundSms(sid, phone, SUPPORT_NUMBER, "Hi"))
    assert received.interaction_id is not None
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    return _details(token, received.interaction_id), person.id


async def _edit(details: DetailsState, zone: str) -> Any:
    form = await details.get_state(PersonFormState)
    await PersonFormState.start_edit.fn(form)  # type: ignore[attr-defined]
    PersonFormState.set_value.fn(form, "time_zone", zone)  # type: ignore[attr-defined]
    said = await PersonFormState.save.fn(form)  # type: ignore[attr-defined]
    if isinstance(said, list):  # saved: the panel is read again
        await DetailsState.load.fn(details)  # type: ignore[attr-defined]
    return form


def _stored_zone(engine: Engine, person_id: int) -> str | None:
    with Session(engine) as session:
        row = session.get(Consumer, person_id)
        assert row is not None
        return row.time_zone


def test_the_header_says_their_time_and_a_zone_set_on_the_person_wins(
    engine: Engine, unlinked_feeds: None
) -> None:
    details, person_id = _opened(MARIA)
    assert details.their_time.endswith(" for them, Pacific Time")
    assert details.zone_hint == ""

    form = run(_edit(details, "Asia/Tokyo"))

    assert form.errors == {} and form.purpose == ""
    assert _stored_zone(engine, person_id) == "Asia/Tokyo"
    assert details.their_time.endswith(" for them, Tokyo time")
    assert details.zone_label == "Asia/Tokyo (set on the person)"


def test_a_zone_that_is_no_zone_is_refused_by_the_field_and_nothing_is_lost(
    engine: Engine, unlinked_feeds: None
) -> None:
    details, person_id = _opened(MARIA)
    run(_edit(details, "America/Chicago"))

    form = run(_edit(details, "Central"))

    assert form.purpose == "edit"  # still open, with what was typed
    assert form.values["time_zone"] == "Central"
    assert form.errors["time_zone"].startswith("'Central' is not a time zone")
    assert _stored_zone(engine, person_id) == "America/Chicago"
    assert details.their_time.endswith(" for them, Central Time")


def test_a_number_in_several_zones_asks_for_the_persons_zone(
    engine: Engine, unlinked_feeds: None
) -> None:
    details, _ = _opened(AUSTRALIAN)
    assert details.their_time.endswith("for them: several time zones")
    assert "several time zones" in details.zone_hint
    assert "Edit person" in details.zone_hint

    run(_edit(details, "Australia/Perth"))

    assert details.their_time.endswith(" for them, Perth time")
    assert details.zone_hint == ""


def test_the_tick_says_the_time_again_without_reading_anything(
    engine: Engine, unlinked_feeds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    details, _ = _opened(MARIA)
    details.their_time = "stale"

    def no_reads(**_: object) -> None:
        raise AssertionError("a tick reads nothing")

    monkeypatch.setattr(details_service, "details", no_reads)
    DetailsState.tick_their_time.fn(details, "12:00")  # type: ignore[attr-defined]
    assert details.their_time.endswith(" for them, Pacific Time")
