"""The business hours and auto-reply sections of the channel's administration (issue 27 items
8 and 9), driven through their handlers as the page calls them: bad input is refused next to
each field with nothing stored, good input is saved (hours in their canonical form, read back
by a new tab), and Clear removes the hours."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels.after_hours import AutoReply, auto_reply_setting
from agent_workspace.services.channels.business_hours import (
    BusinessHours,
    business_hours,
    update_business_hours,
)
from agent_workspace.state.admin_business_hours import AutoReplyAdminState
from agent_workspace.state.admin_business_hours import BusinessHoursAdminState as Form
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import admin_token, run, state_for
from tests.support.factories import make_channel, make_user


def _form(token: str) -> Form:
    state = state_for(Form, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # shows the roles
    run(Form.load.fn(state))  # type: ignore[attr-defined]
    return state


def _type(state: Form, zone: str, hours: str, holidays: str = "") -> None:
    Form.set_zone.fn(state, zone)  # type: ignore[attr-defined]
    Form.set_hours.fn(state, hours)  # type: ignore[attr-defined]
    Form.set_holidays.fn(state, holidays)  # type: ignore[attr-defined]


def _call(state: Any, handler: Any) -> Any:
    return run(handler.fn(state))


def test_the_form_refuses_bad_hours_by_field_saves_good_ones_and_clears_them(
    engine: Engine,
) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    token = admin_token()
    state = _form(token)
    assert (state.zone, state.hours, state.is_set) == ("", "", False)

    _type(state, "Europe/Nowhere", "Mon-Fri 9-5", "next friday")
    _call(state, Form.save)
    assert '"Europe/Nowhere" is not a time zone' in state.problems["zone"]
    assert '"9-5" is not a span of hours' in state.problems["hours"]
    assert '"next" is not a date' in state.problems["holidays"]
    assert state.hours == "Mon-Fri 9-5"  # what was typed stays to be corrected
    assert business_hours(actor=ada) == BusinessHours()

    _type(state, "Europe/Paris", "mon-fri 08:30-18:00", "2026-12-25 Noël")
    toast = _call(state, Form.save)
    assert state.problems == {} and state.error == "" and toast is not None
    assert (state.hours, state.is_set) == ("Mon-Fri 08:30-18:00", True)
    again = _form(token)  # a new tab reads it back
    assert (again.zone, again.hours, again.holidays) == (
        "Europe/Paris",
        "Mon-Fri 08:30-18:00",
        "2026-12-25 Noël",
    )

    _call(again, Form.clear)
    assert (again.zone, again.hours, again.is_set) == ("", "", False)
    assert business_hours(actor=ada) == BusinessHours()


def test_an_agent_tab_keeps_nothing_typed_and_saves_nothing(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    state = _form(token)
    _type(state, "UTC", "Mon 09:00-17:00")
    assert state.zone == "" and state.error != ""
    state.zone, state.hours = "UTC", "Mon 09:00-17:00"  # a forged client state
    _call(state, Form.save)
    assert business_hours(actor=ada) == BusinessHours()


def test_the_auto_reply_form_shows_the_size_refuses_bad_input_and_saves(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    token = admin_token()
    state = state_for(AutoReplyAdminState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    run(AutoReplyAdminState.load.fn(state))  # type: ignore[attr-defined]
    assert (state.enabled, state.text) == (False, "")

    AutoReplyAdminState.set_enabled.fn(state, True)  # type: ignore[attr-defined]
    AutoReplyAdminState.set_text.fn(state, "x" * 161)  # type: ignore[attr-defined]
    assert state.size == "161 characters, 2 SMS segments"
    _call(state, AutoReplyAdminState.save)
    assert "Set the business hours first" in state.problems["enabled"]

    update_business_hours(actor=ada, hours=BusinessHours("UTC", "Mon-Fri 09:00-17:00"))
    AutoReplyAdminState.set_text.fn(state, " ")  # type: ignore[attr-defined]
    _call(state, AutoReplyAdminState.save)
    assert "Write the auto-reply" in state.problems["text"]
    assert auto_reply_setting(actor=ada) == AutoReply()

    AutoReplyAdminState.set_text.fn(state, "We are closed; we answer at 09:00.")  # type: ignore[attr-defined]
    assert _call(state, AutoReplyAdminState.save) is not None
    assert state.problems == {}
    assert auto_reply_setting(actor=ada) == AutoReply(True, "We are closed; we answer at 09:00.")
