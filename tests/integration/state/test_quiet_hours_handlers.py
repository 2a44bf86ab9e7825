"""The composer's quiet-hours prompt and a scheduled message's Edit/Cancel, driven through the
handlers as a browser would (issue 26 items 2 and 3), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import (
    AuditEvent,
    Consumer,
    InteractionType,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.state.compose import ComposeState
from agent_workspace.state.scheduled import ScheduledState
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.integration.state.test_compose_numbers import composer  # noqa: F401  (fixture)
from tests.support.factories import make_channel, make_consumer, make_user
from tests.support.quiet_numbers import night_number


def _messages(engine: Engine) -> list[Message]:
    with Session(engine) as session:
        return list(session.exec(select(Message).order_by(col(Message.id))).all())


def _open(engine: Engine, composer: Any) -> tuple[ComposeState, str]:  # noqa: F811
    make_channel(quiet_hours=True)
    night = night_number(utcnow())
    kenji = make_consumer("Kenji", night, country="JP")
    alice = make_user("alice")
    call = create_interaction(actor=alice, type=InteractionType.PHONE, person=kenji)
    state = composer(call.id)
    state.to_choice = night
    run(ComposeState.set_body.fn(state, "Your parcel is ready"))  # type: ignore[attr-defined]
    run(ComposeState.send.fn(state))  # type: ignore[attr-defined]
    return state, night


def test_send_at_night_shows_the_prompt_and_send_later_schedules_it(
    engine: Engine,
    composer: Any,  # noqa: F811
) -> None:
    state, _ = _open(engine, composer)

    assert "for them" in state.quiet
    assert state.quiet_opening.startswith("08:00 their time (")
    assert _messages(engine) == []

    run(ComposeState.send_later.fn(state))  # type: ignore[attr-defined]

    [message] = _messages(engine)
    assert message.status is MessageStatus.SCHEDULED
    assert state.quiet == "" and state.body == ""


def test_send_now_anyway_asks_for_a_reason_then_sends_and_audits_it(
    engine: Engine,
    composer: Any,  # noqa: F811
) -> None:
    state, _ = _open(engine, composer)
    ComposeState.choose_override.fn(state)  # type: ignore[attr-defined]
    run(ComposeState.send_anyway.fn(state))  # type: ignore[attr-defined]
    assert "Say why" in state.error and _messages(engine) == []

    ComposeState.set_quiet_reason.fn(state, "They asked for it tonight")  # type: ignore[attr-defined]
    run(ComposeState.send_anyway.fn(state))  # type: ignore[attr-defined]

    [message] = _messages(engine)
    assert message.status is MessageStatus.QUEUED
    with Session(engine) as session:
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "message.quiet_hours_overridden")
        ).one()
    assert audit.detail["reason"] == "They asked for it tonight"


@pytest.mark.usefixtures("unlinked_feeds")
def test_the_bubble_edits_and_cancels_a_scheduled_message(
    engine: Engine,
    composer: Any,  # noqa: F811
) -> None:
    state, _ = _open(engine, composer)
    run(ComposeState.send_later.fn(state))  # type: ignore[attr-defined]
    [message] = _messages(engine)
    assert message.id is not None
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    bubble = state_for(ScheduledState, token)
    run(SessionState.guard_agent_page.fn(bubble))  # type: ignore[attr-defined]

    run(ScheduledState.start_edit.fn(bubble, message.id))  # type: ignore[attr-defined]
    assert bubble.edit_body == "Your parcel is ready"
    assert bubble.edit_time.endswith("T08:00")
    ScheduledState.set_edit_body.fn(bubble, "Your parcel is ready at the desk")  # type: ignore[attr-defined]
    ScheduledState.set_edit_time.fn(bubble, bubble.edit_time[:-5] + "09:15")  # type: ignore[attr-defined]
    run(ScheduledState.save_edit.fn(bubble))  # type: ignore[attr-defined]
    assert bubble.edit_error == "" and bubble.editing == 0
    [edited] = _messages(engine)
    assert edited.body == "Your parcel is ready at the desk"
    assert edited.scheduled_for is not None and message.scheduled_for is not None
    assert (edited.scheduled_for - message.scheduled_for).total_seconds() == 75 * 60

    run(ScheduledState.cancel_message.fn(bubble, message.id))  # type: ignore[attr-defined]
    assert _messages(engine)[0].status is MessageStatus.CANCELED


@pytest.mark.usefixtures("unlinked_feeds")
@pytest.mark.parametrize("hostile", [0, -1, 10**12])
def test_a_hostile_message_id_is_refused_in_words(
    engine: Engine,
    composer: Any,  # noqa: F811
    hostile: int,
) -> None:
    _open(engine, composer)
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    bubble = state_for(ScheduledState, token)
    run(SessionState.guard_agent_page.fn(bubble))  # type: ignore[attr-defined]
    run(ScheduledState.start_edit.fn(bubble, hostile))  # type: ignore[attr-defined]
    assert bubble.edit_error == "No such message."


def test_send_later_schedules_at_a_time_picked_in_their_time_or_mine(
    engine: Engine,
    composer: Any,  # noqa: F811
) -> None:
    state, _ = _open(engine, composer)
    ComposeState.dismiss_quiet.fn(state)  # type: ignore[attr-defined]
    ComposeState.start_schedule.fn(state)  # type: ignore[attr-defined]
    assert (state.scheduling, bool(state.quiet_zone)) == (True, True)
    zone = ZoneInfo(state.quiet_zone)
    tomorrow = (utcnow().astimezone(zone) + timedelta(days=1)).date()
    ComposeState.set_pick_time.fn(state, f"{tomorrow}T10:30")  # type: ignore[attr-defined]

    run(ComposeState.send_at_picked.fn(state))  # type: ignore[attr-defined]

    [message] = _messages(engine)
    assert message.status is MessageStatus.SCHEDULED and message.scheduled_for is not None
    local = message.scheduled_for.astimezone(zone)
    assert (local.date(), local.hour, local.minute) == (tomorrow, 10, 30)
    assert (state.scheduling, state.quiet) == (False, "")

    # In the agent's own time (their browser's zone): 10:30 UTC may be night for them: then
    # the prompt says so and offers the opening instead.
    run(ComposeState.set_body.fn(state, "Second"))  # type: ignore[attr-defined]
    ComposeState.start_schedule.fn(state)  # type: ignore[attr-defined]
    ComposeState.set_agent_zone.fn(state, "UTC")  # type: ignore[attr-defined]
    ComposeState.set_pick_in.fn(state, "mine")  # type: ignore[attr-defined]
    ComposeState.set_pick_time.fn(state, f"{tomorrow}T10:30")  # type: ignore[attr-defined]
    run(ComposeState.send_at_picked.fn(state))  # type: ignore[attr-defined]
    at = datetime.combine(tomorrow, time(10, 30), tzinfo=UTC)
    if state.quiet:
        assert len(_messages(engine)) == 1
    else:
        assert _messages(engine)[-1].scheduled_for == at


def test_schedule_picks_in_the_zone_stored_on_the_person_not_only_their_numbers(
    engine: Engine,
    composer: Any,  # noqa: F811
) -> None:
    """A Californian number whose owner lives in Berlin (the zone set on the person): the
    composer says their time in Berlin, and Schedule… picks in Berlin too. It had picked in
    Los Angeles, nine hours off what the header said."""
    make_channel()
    number = "+14155550177"
    greta = make_consumer("Greta", number)
    with Session(engine) as session:
        person = session.get(Consumer, greta.id)
        assert person is not None
        person.time_zone = "Europe/Berlin"
        session.add(person)
        session.commit()
    call = create_interaction(actor=make_user("alice"), type=InteractionType.PHONE, person=greta)
    state = composer(call.id)
    run(ComposeState.set_to_choice.fn(state, number))  # type: ignore[attr-defined]
    assert state.their_time.endswith("for them, Berlin time")

    ComposeState.start_schedule.fn(state)  # type: ignore[attr-defined]

    assert (state.scheduling, state.quiet_zone) == (True, "Europe/Berlin")


def test_the_composer_warns_of_quiet_hours_before_send_is_clicked(
    engine: Engine,
    composer: Any,  # noqa: F811
) -> None:
    """It is night for Kenji: the checks say so while the agent types, before any click."""
    make_channel(quiet_hours=True)
    night = night_number(utcnow())
    kenji = make_consumer("Kenji", night, country="JP")
    call = create_interaction(actor=make_user("alice"), type=InteractionType.PHONE, person=kenji)
    state = composer(call.id)
    run(ComposeState.set_to_choice.fn(state, night))  # type: ignore[attr-defined]
    run(ComposeState.set_body.fn(state, "Your parcel is ready"))  # type: ignore[attr-defined]

    [quiet] = [c for c in state.send_checks if c.kind == "quiet_hours"]
    assert quiet.words.startswith("Quiet hours: It is ") and "Send asks first" in quiet.words
    assert quiet.fix_label == ""
    assert _messages(engine) == []
