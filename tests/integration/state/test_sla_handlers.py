"""The Service levels tab (issue 27 item 8), driven through its handlers as the page calls
them: bad targets are refused next to each field with nothing stored and what was typed kept;
good ones are saved, listed in the administrator's order, and read back by a new tab; the
list's timer says the rows' clocks again from what the tab holds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.domain.sla import Facts, Policy, clocks
from agent_workspace.models import Role
from agent_workspace.services import labels
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels import sla_policies as policies
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.sla.clocks import SlaPlan
from agent_workspace.state.admin_sla import SlaAdminState as Form
from agent_workspace.state.live import RowItem
from agent_workspace.state.session import SessionState
from agent_workspace.state.sla import kept_plans, retold
from agent_workspace.state.views import sla_key
from tests.integration.state.test_access_checks import admin_token, run, state_for
from tests.support.factories import make_channel, make_user


def _form(token: str) -> Form:
    state = state_for(Form, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # shows the roles
    run(Form.load.fn(state))  # type: ignore[attr-defined]
    return state


def _type(state: Form, first: str, next_: str = "", resolution: str = "") -> None:
    Form.set_first_response.fn(state, first)  # type: ignore[attr-defined]
    Form.set_next_response.fn(state, next_)  # type: ignore[attr-defined]
    Form.set_resolution.fn(state, resolution)  # type: ignore[attr-defined]


def _call(state: Form, handler: Any, *args: Any) -> Any:
    return run(handler.fn(state, *args))


def test_bad_targets_are_refused_by_field_and_good_ones_saved_in_order(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    vip = labels.create_label(actor=ada, name="VIP", colour="red")
    token = admin_token()
    state = _form(token)
    assert [c.label for c in state.label_options] == [
        "Every conversation (no label)",
        "Label: VIP",
    ]

    _type(state, "soon", "0", "2 weeks")
    _call(state, Form.save)
    assert state.first_response_error.startswith("Write the target as minutes or with units")
    assert state.next_response_error == "A target is at least 1 minute."
    assert state.resolution_error.startswith("Write the target as minutes or with units")
    assert state.first_response == "soon"  # what was typed stays to be corrected
    assert policies.list_policies(actor=ada) == []

    _type(state, "", "", "")
    _call(state, Form.save)
    assert state.first_response_error == (
        "Give at least one target; blank targets are not measured."
    )

    _type(state, "1h", "", "1d")
    toast = _call(state, Form.save)
    assert toast is not None and state.first_response == "" and state.first_response_error == ""
    Form.set_label_id.fn(state, str(vip.id))  # type: ignore[attr-defined]
    _type(state, "15m")
    _call(state, Form.save)
    again = _form(token)  # a new tab reads them back
    shown = [(p.applies_to, p.first_response, p.resolution) for p in again.policies]
    assert shown == [("Every conversation", "1h", "1d"), ("VIP", "15m", "—")]

    Form.set_label_id.fn(again, str(vip.id))  # type: ignore[attr-defined]
    _type(again, "5m")
    _call(again, Form.save)
    assert again.label_error == "The label 'VIP' has a service level already; edit that one."
    Form.set_label_id.fn(again, "999")  # type: ignore[attr-defined]
    assert again.label_error == "Choose what it applies to from the list."

    _call(again, Form.move, again.policies[1].id, True)
    assert [p.applies_to for p in again.policies] == ["VIP", "Every conversation"]


def test_an_agent_tab_keeps_nothing_typed_and_saves_nothing(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    state = _form(token)
    _type(state, "15m")
    assert state.first_response == "" and state.first_response_error != ""
    state.first_response = "15m"  # a forged client state
    _call(state, Form.save)
    assert policies.list_policies(actor=ada) == []


AT = datetime(2026, 12, 7, 15, tzinfo=UTC)


def _plan(minutes: int) -> SlaPlan:
    policy = Policy(first_response=timedelta(minutes=minutes))
    clock = clocks(policy, Facts(opened_at=AT, consumer_messages=(AT,)))[0]
    return SlaPlan(policy, clock)


def _row(row_id: int, text: str = "", status: str = "") -> RowItem:
    return RowItem(
        id=row_id,
        number=f"IMS{row_id:07d}",
        type="messaging",
        state="work in progress",
        person_name="Dana",
        phone="",
        assigned_to="Alice",
        preview="Hi",
        last_at="",
        awaiting=True,
        unread=0,
        virtual_agent=False,
        active=True,
        sla_text=text,
        sla_status=status,
    )


def test_the_list_timer_says_the_clocks_again_and_only_when_words_change() -> None:
    plans = {1: _plan(15)}
    rows = [_row(1, "First response 15m left", "ok"), _row(2)]
    assert retold(rows, plans, AT) is None  # nothing to change: nothing is pushed
    later = retold(rows, plans, AT + timedelta(minutes=12))
    assert later is not None
    assert [(r.sla_text, r.sla_status) for r in later] == [
        ("First response 3m left, due soon", "amber"),
        ("", ""),
    ]
    overdue = retold(later, plans, AT + timedelta(minutes=20))
    assert overdue is not None and overdue[0].sla_text == "First response 5m overdue"


def test_the_tab_keeps_the_clocks_of_the_rows_it_shows_only() -> None:
    kept = {1: _plan(15), 2: _plan(30)}
    shown = [_row(1), _row(3)]
    # Nothing read again: row 1 keeps its clock, row 2 left the list and its clock with it.
    assert kept_plans(kept, [], shown) == {1: kept[1]}
    # Row 1 read again with no clock running (answered): it keeps none.
    assert kept_plans(kept, [_answered(1)], shown) == {}


def _answered(row_id: int) -> InteractionRow:
    return InteractionRow(
        id=row_id,
        number=f"IMS{row_id:07d}",
        type="messaging",
        state="work_in_progress",
        person_name="Dana",
        phone="",
        assigned_to="Alice",
        opened_at=AT,
        updated_at=AT,
        sla=None,
    )


def test_the_headers_key_moves_when_its_clock_turns_so_a_push_then_remounts_it() -> None:
    """The alarm pushes the whole view at each turn; the header says its clock again only when
    its key changes (components/sla.py header_clock), so the key carries how it reads."""
    plan = _plan(15)
    keys = [sla_key(plan, AT + timedelta(minutes=m)) for m in (0, 5, 12, 13, 20, 21)]
    assert len(set(keys)) == 3  # on time, due soon, overdue
    assert keys[0] == keys[1] and keys[2] == keys[3] and keys[4] == keys[5]
    assert sla_key(None) == ""
