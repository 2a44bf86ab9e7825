"""The supervisor board's handlers: the overview on load, pages, server-side filters, and the
page read again when the live feed moves (issue 27 item 11)."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from agent_workspace.db.engine import transaction
from agent_workspace.models import Message, Role, utcnow
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels import sla_policies
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sla.clocks import keep_due
from agent_workspace.state.live import SupervisorBoardFeed
from agent_workspace.state.session import SessionState
from agent_workspace.state.supervisor import SupervisorState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user

S = SupervisorState


def _texted(n: int, body: str = "Hello?") -> int:
    return receive_sms(
        sms=InboundSms(sid=f"SM{n:032x}", from_=f"+1415555{n:04d}", to=SUPPORT_NUMBER, body=body)
    ).interaction_id


def _board(username: str, roles: tuple[Role, ...]) -> SupervisorState:
    make_user(username, roles=roles)
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    state = state_for(S, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]  # on_load
    run(S.load.fn(state))  # type: ignore[attr-defined]
    return state


async def _feed(state: SupervisorState) -> SupervisorBoardFeed:
    return await state.get_state(SupervisorBoardFeed)


@pytest.mark.usefixtures("unlinked_feeds")
def test_the_board_opens_on_the_overview_and_the_first_page(engine: Engine) -> None:
    make_channel()
    made = [_texted(n, f"text {n}") for n in range(1, 28)]
    state = _board("sam", (Role.AGENT, Role.SUPERVISOR))
    assert state.refusal == ""
    overview = run(_feed(state)).overview
    assert (overview.open, overview.unassigned, overview.queued) == (27, 27, 27)
    assert overview.waiting_id == made[0] and not overview.sla
    assert (len(state.items), state.page_text, state.has_next) == (25, "1-25 of 27", True)

    run(S.next_page.fn(state))  # type: ignore[attr-defined]
    assert [i.row.id for i in state.items] == made[1::-1]
    assert (state.page_text, state.has_previous, state.has_next) == ("26-27 of 27", True, False)
    run(S.next_page.fn(state))  # type: ignore[attr-defined]  # no page after the last
    assert state.page == 2
    run(S.previous_page.fn(state))  # type: ignore[attr-defined]
    assert state.page_text == "1-25 of 27"


@pytest.mark.usefixtures("unlinked_feeds")
def test_filters_are_applied_by_the_server_and_bad_ones_keep_the_page(engine: Engine) -> None:
    make_channel()
    parcel = _texted(1, "My parcel never arrived")
    _texted(2, "Where is my refund?")
    state = _board("sam", (Role.AGENT, Role.SUPERVISOR))
    run(S.set_filter_text.fn(state, "parcel"))  # type: ignore[attr-defined]
    assert [i.row.id for i in state.items] == [parcel]
    assert state.page_text == "1-1 of 1"
    run(S.set_filter_text.fn(state, "x" * 5000))  # type: ignore[attr-defined]
    assert "search" in state.filter_error.lower()
    assert [i.row.id for i in state.items] == [parcel]  # the last good filter's page stays

    run(S.set_filter_text.fn(state, ""))  # type: ignore[attr-defined]
    refused = run(S.set_filter_channel.fn(state, "999"))  # type: ignore[attr-defined]
    assert refused is not None and state.filter_channel == ""  # not a channel offered
    [channel] = state.channels
    run(S.set_filter_channel.fn(state, channel.value))  # type: ignore[attr-defined]
    run(S.set_filter_state.fn(state, "work_in_progress"))  # type: ignore[attr-defined]
    assert (state.items, state.page_text) == ([], "0 of 0")


@pytest.mark.usefixtures("unlinked_feeds")
def test_a_feed_change_reads_the_tabs_page_again_once(engine: Engine) -> None:
    make_channel()
    _texted(1)
    state = _board("sam", (Role.AGENT, Role.SUPERVISOR))
    version = run(_feed(state)).version
    fresh = _texted(2, "Are you open today?")
    run(S.feed_changed.fn(state, version))  # type: ignore[attr-defined]  # what it read at
    assert fresh not in [i.row.id for i in state.items]
    run(S.feed_changed.fn(state, "1; drop"))  # type: ignore[attr-defined]  # no version
    assert fresh not in [i.row.id for i in state.items]
    run(S.feed_changed.fn(state, version + 1))  # type: ignore[attr-defined]
    assert state.items[0].row.id == fresh


@pytest.mark.usefixtures("unlinked_feeds")
def test_an_agent_is_refused_the_board_and_its_pages(engine: Engine) -> None:
    make_channel()
    _texted(1)
    state = _board("alice", (Role.AGENT,))
    assert "supervisor role" in state.refusal
    run(S.set_filter_text.fn(state, "Hello"))  # type: ignore[attr-defined]
    assert "supervisor role" in state.filter_error and state.items == []
    state.has_next = True  # a client cannot page its way in either
    run(S.next_page.fn(state))  # type: ignore[attr-defined]
    assert "supervisor role" in state.filter_error and state.items == []


@pytest.mark.usefixtures("unlinked_feeds")
def test_breaching_soon_is_a_figure_a_row_clock_and_a_filter(engine: Engine) -> None:
    make_channel()
    admin = make_user("root", roles=(Role.ADMIN,))
    sla_policies.save_policy(
        actor=admin,
        policy_id=None,
        label_id=None,
        first_response="1h",
        next_response="",
        resolution="",
    )
    late, fresh = _texted(1), _texted(2)
    with engine.begin() as conn:  # the first consumer asked 70 minutes ago: overdue
        conn.execute(
            sa.update(Message)
            .where(col(Message.interaction_id) == late)
            .values(created_at=utcnow() - timedelta(minutes=70))
        )
    with transaction(engine) as session:  # history rewritten behind the services' back
        keep_due(session, [late])
    state = _board("sam", (Role.AGENT, Role.SUPERVISOR))
    overview = run(_feed(state)).overview
    assert (overview.sla, overview.breaching_soon) == (True, 1)
    assert overview.breaching_text == "0 due soon · 1 overdue"
    clocks = {i.row.id: (i.sla_status, i.sla_text) for i in state.items}
    assert clocks[late][0] == "red" and clocks[late][1].endswith("overdue")
    assert clocks[fresh] == ("ok", "First response 1h 00m left") and state.sla_ticking

    refused = run(S.set_filter_sla.fn(state, "overdue; drop"))  # type: ignore[attr-defined]
    assert refused is not None and state.filter_sla == ""  # not a choice offered
    run(S.set_filter_sla.fn(state, "breaching"))  # type: ignore[attr-defined]
    assert [i.row.id for i in state.items] == [late]
    run(S.set_filter_sla.fn(state, ""))  # type: ignore[attr-defined]
    assert len(state.items) == 2
    run(S.show_breaching.fn(state))  # type: ignore[attr-defined]  # the card's "List them"
    assert (state.filter_sla, [i.row.id for i in state.items]) == ("breaching", [late])

    state.items = [dataclasses.replace(i, sla_text="stale") for i in state.items]
    S.tick_sla.fn(state)  # type: ignore[attr-defined]  # the timer says it again
    assert state.items[0].sla_text.endswith("overdue")
