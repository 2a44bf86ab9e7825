"""The SMS channel form's business name (issue 26 item 8), driven through its handlers as the
administration page calls them: too long is refused next to the field, nothing saved; a good one
is saved, trimmed, and shown again."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.models import Role
from agent_workspace.services.channels import setup
from agent_workspace.state.admin_setup import ChannelAdminState
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import admin_token, run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_user


def _form(token: str) -> ChannelAdminState:
    state = state_for(ChannelAdminState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # shows the roles
    run(ChannelAdminState.load.fn(state))  # type: ignore[attr-defined]
    return state


def _save(state: ChannelAdminState, business_name: str) -> Any:
    ChannelAdminState.set_business_name.fn(state, business_name)  # type: ignore[attr-defined]
    return run(ChannelAdminState.save.fn(state))  # type: ignore[attr-defined]


def test_the_form_refuses_a_long_business_name_and_saves_a_good_one(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="US", number=SUPPORT_NUMBER)
    token = admin_token()
    state = _form(token)
    assert state.business_name == ""

    _save(state, "A" * 81)
    assert "at most 80 characters (81 now)" in state.errors["business_name"]
    assert setup.setup_status(actor=ada).channel.business_name == ""  # type: ignore[union-attr]

    _save(state, "  Acme  Support ")
    assert state.errors.get("business_name", "") == ""
    assert setup.setup_status(actor=ada).channel.business_name == "Acme Support"  # type: ignore[union-attr]
    assert _form(token).business_name == "Acme Support"  # a new tab reads it back
