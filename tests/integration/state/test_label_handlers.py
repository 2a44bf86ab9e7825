"""Labels through the handlers a browser calls (issue 27 item 5), on SQLite and PostgreSQL:
the Labels tab creates one, the conversation header adds and removes it, the list's Label
select filters by it; bad choices are refused in words and change nothing."""

from __future__ import annotations

from typing import TypeVar

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.services.accounts import auth
from agent_workspace.services.interactions.labels import interaction_labels
from agent_workspace.services.labels import list_labels
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.admin_labels import LabelsAdminState
from agent_workspace.state.labels import LabelsState
from agent_workspace.state.session import SessionState
from agent_workspace.state.workspace import WorkspaceState
from tests.integration.state.test_access_checks import admin_token, run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

S = TypeVar("S", bound=SessionState)
DANA = "+14155550123"
EVE = "+14155550166"


def _agent_tab(
    cls: type[S], username: str, interaction_id: int, monkeypatch: pytest.MonkeyPatch
) -> S:
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: interaction_id)
    state = state_for(cls, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    return state


def test_an_admin_makes_a_label_an_agent_puts_it_on_and_filters_by_it(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, unlinked_feeds: None
) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    make_consumer("Eve", EVE)
    alice = make_user("alice")
    make_user("bob")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hi")).interaction_id
    eve = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, EVE, "Hi")).interaction_id

    admin = state_for(LabelsAdminState, admin_token())
    run(SessionState.guard_agent_page.fn(admin))  # type: ignore[attr-defined]  # shows the roles
    run(LabelsAdminState.load.fn(admin))  # type: ignore[attr-defined]
    LabelsAdminState.set_name.fn(admin, "VIP")  # type: ignore[attr-defined]
    LabelsAdminState.set_colour.fn(admin, "#ff0000")  # type: ignore[attr-defined]
    assert admin.colour_error == "Choose a colour from the list."
    LabelsAdminState.set_colour.fn(admin, "purple")  # type: ignore[attr-defined]
    toast = run(LabelsAdminState.save.fn(admin))  # type: ignore[attr-defined]
    assert "Saved the label 'VIP'." in str(toast)
    assert [(x.name, x.colour) for x in admin.labels] == [("VIP", "purple")]
    LabelsAdminState.set_name.fn(admin, "vip")  # type: ignore[attr-defined]
    assert run(LabelsAdminState.save.fn(admin)) is None  # type: ignore[attr-defined]
    assert "A label named 'VIP' exists already" in admin.name_error
    (vip,) = list_labels(actor=alice)

    tab = _agent_tab(LabelsState, "alice", dana, monkeypatch)
    run(LabelsState.load.fn(tab))  # type: ignore[attr-defined]
    assert tab.labels == [] and [(c.value, c.label) for c in tab.label_choices] == [
        (str(vip.id), "VIP")
    ]
    run(LabelsState.add_label.fn(tab, "999"))  # type: ignore[attr-defined]
    assert tab.labels_error == "Choose a label from the list."
    toast = run(LabelsState.add_label.fn(tab, str(vip.id)))  # type: ignore[attr-defined]
    assert "Added the label VIP." in str(toast)
    assert [(x.name, x.colour) for x in tab.labels] == [("VIP", "purple")]
    assert tab.label_choices == []
    assert [x.name for x in interaction_labels(actor=alice, interaction_id=dana).on] == ["VIP"]

    # Bob has no standing on it: the service refuses, the header says why, nothing changes.
    bobs = _agent_tab(LabelsState, "bob", dana, monkeypatch)
    run(LabelsState.load.fn(bobs))  # type: ignore[attr-defined]
    assert run(LabelsState.remove_label.fn(bobs, vip.id)) is None  # type: ignore[attr-defined]
    assert "IMS0001001" in bobs.labels_error
    assert [x.name for x in interaction_labels(actor=alice, interaction_id=dana).on] == ["VIP"]

    listing = _agent_tab(WorkspaceState, "alice", 0, monkeypatch)
    run(WorkspaceState.load.fn(listing))  # type: ignore[attr-defined]
    assert {r.id for r in listing.rows} == {dana, eve}
    assert [c.label for c in listing.label_options] == ["Any label", "VIP"]
    run(WorkspaceState.set_label_filter.fn(listing, str(vip.id)))  # type: ignore[attr-defined]
    assert [r.id for r in listing.rows] == [dana]
    assert [x.name for x in listing.rows[0].labels] == ["VIP"]
    run(WorkspaceState.set_label_filter.fn(listing, "12345"))  # type: ignore[attr-defined]
    assert listing.list_error == "Choose a label from the list."
    assert [r.id for r in listing.rows] == [dana]

    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: dana)
    toast = run(LabelsState.remove_label.fn(tab, vip.id))  # type: ignore[attr-defined]
    assert "Removed the label VIP." in str(toast)
    assert tab.labels == [] and [c.label for c in tab.label_choices] == ["VIP"]
    run(WorkspaceState.set_label_filter.fn(listing, "any"))  # type: ignore[attr-defined]
    assert {r.id for r in listing.rows} == {dana, eve}
