"""Service levels (issue 27 item 8): an administrator sets a first-response target (a bad one
is refused in words first); when a consumer texts, the agent's list row and the conversation
header say the time left, live, without a reload; the supervisor board counts those breaching
soon."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, expect
from sqlmodel import col, select

from agent_workspace.db.engine import make_engine, transaction
from agent_workspace.models import Channel, SlaPolicy, utcnow
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services.sla.clocks import keep_due
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import (
    compose,
    desk_page,
    messages,
    new_interaction,
    send,
    sign_in,
    sign_in_as_agent,
    sign_in_as_new_agent,
    text_in,
)
from tests.e2e.people import fresh_mobile
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

LEFT = re.compile(r"First response 1[45]m left")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    """A workspace of its own: a channel-wide target puts a clock on every conversation, which
    the shared workspace's other tests do not expect on their rows."""
    server = WorkspaceServer(
        Path(tmp_path_factory.mktemp("sla")), extra_env={"AW_SLA_SWEEP_SECONDS": "1"}
    )
    server.start()
    yield server
    server.stop()


def test_a_first_response_target_shows_its_time_left_once_the_consumer_texts(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    admin = desk_page(browser)
    sign_in(admin, workspace, "ada", "ada-demo-pass")
    admin.get_by_role("tab", name="Service levels").click()
    expect(admin.get_by_role("heading", name="Service levels", exact=True)).to_be_visible()
    first = admin.get_by_label("First response target")
    first.fill("soon")
    admin.get_by_role("button", name="Save service level").click()
    expect(admin.get_by_text("Write the target as minutes or with units")).to_be_visible()
    first.fill("15m")
    admin.get_by_role("button", name="Save service level").click()
    expect(admin.get_by_text("Saved the service level for the channel.")).to_be_visible()
    table = admin.get_by_role("table", name="Service levels")
    expect(table.get_by_role("row").filter(has_text="Every conversation")).to_contain_text("15m")
    assert_accessible(admin, "the Service levels tab")
    admin.context.close()

    page = desk_page(browser)
    sign_in_as_new_agent(page, workspace, "Sam")
    phone = fresh_mobile()
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="Your parcel left today.", to=phone)
    send(page)
    expect(messages(page)).to_contain_text("Your parcel left today.")
    number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()
    row = page.get_by_role("list", name="My Interactions").get_by_role(
        "link", name=re.compile(number)
    )
    expect(row).not_to_contain_text("First response")  # nobody waits for an answer yet

    text_in(workspace, phone, "Where is it now?")

    expect(messages(page)).to_contain_text("Where is it now?", timeout=15_000)
    expect(row).to_contain_text(LEFT)
    expect(page.locator("#aw-sla")).to_have_text(LEFT)
    assert_accessible(page, "a row and a header showing an SLA clock")
    send_reply = "It arrives tomorrow."
    compose(page, body=send_reply)
    send(page)
    expect(messages(page)).to_contain_text(send_reply)
    expect(row).not_to_contain_text("First response")  # answered: the clock stopped
    expect(page.locator("#aw-sla")).to_have_count(0)
    page.context.close()

    # The supervisor board counts the clocks due soon or overdue (issue 27 item 11).
    board = desk_page(browser)
    sign_in_as_agent(board, workspace, "sam")
    board.get_by_role("link", name="Supervisor board").click()
    card = board.get_by_role("region", name="Overview").get_by_role("group", name="Breaching soon")
    expect(card.get_by_test_id("figure")).to_have_text(re.compile(r"^\d+$"))
    expect(card).to_contain_text(re.compile(r"\d+ due soon · \d+ overdue|Every clock on time"))
    board.context.close()


def _asked_twelve_minutes_ago(workspace: WorkspaceServer, body: str) -> None:
    """The consumer's text came 12 minutes ago: 3 of 15 minutes left, in the last quarter (due
    soon) already. The test rewrites history, so it keeps the instants itself, as they were
    kept a minute ago (before the turn, which is then still to tell): the server's alarm
    (every second here) tells the pages at its next pass. Not a turn some seconds ahead: the
    test would wait for the clock, not for an event."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        found: list[int] = []

        def stored() -> bool:
            with engine.connect() as conn:
                found[:] = conn.execute(
                    sa.text("SELECT interaction_id FROM message WHERE body = :b"), {"b": body}
                ).scalars()
            return bool(found)

        wait_until(stored, what="the consumer's text stored")
        with transaction(engine) as session:
            session.execute(
                sa.text("UPDATE message SET created_at = :at WHERE interaction_id = :i").bindparams(
                    sa.bindparam("at", type_=UTCDateTime)
                ),
                {"at": utcnow() - timedelta(minutes=12), "i": found[0]},
            )
            keep_due(session, found, utcnow() - timedelta(minutes=1))
    finally:
        engine.dispose()


def _fifteen_minutes_everywhere(workspace: WorkspaceServer) -> None:
    """The first test's channel-wide target, when this test runs alone."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with transaction(engine) as session:
            if session.exec(select(SlaPolicy.id)).first() is None:
                channel = session.exec(select(Channel.id).order_by(col(Channel.id))).first()
                assert channel is not None
                session.add(SlaPolicy(channel_id=channel, position=0, first_response_minutes=15))
    finally:
        engine.dispose()


def test_a_clock_turning_amber_moves_the_board_with_no_other_change(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    _fifteen_minutes_everywhere(workspace)
    board = desk_page(browser)
    sign_in_as_agent(board, workspace, "sam")
    board.get_by_role("link", name="Supervisor board").click()
    card = board.get_by_role("region", name="Overview").get_by_role("group", name="Breaching soon")
    figure = card.get_by_test_id("figure")
    expect(figure).to_have_text(re.compile(r"^\d+$"))
    body = f"Still waiting {fresh_mobile()[-6:]}"
    text_in(workspace, fresh_mobile(), body)
    row = board.get_by_role("table", name="Active interactions").get_by_role(
        "row", name=re.compile(body)
    )
    expect(row).to_contain_text(LEFT, timeout=15_000)
    before = int(figure.inner_text())

    _asked_twelve_minutes_ago(workspace, body)

    # Nothing else changes: the alarm's turn alone moves the figure (its tick would not).
    expect(figure).to_have_text(str(before + 1), timeout=30_000)
    expect(row).to_contain_text("due soon")
    board.context.close()
