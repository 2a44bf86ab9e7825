"""A supervisor watches the board's overview change live as a consumer texts, pages the
table and filters it on the server (issue 27 item 11), and sees an idle agent turn Away and
come back (item 1)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.pages import sign_in_as_agent, text_in
from tests.e2e.people import add_agent, fresh_mobile
from tests.e2e.test_page_load import HeldLoad
from tests.support.servers import WorkspaceServer

PAGE_SIZE = 25


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    """A workspace of its own: the texts that fill a second page would sit in the shared
    workspace's queue, which other tests count on; an Available agent turns Away after six
    idle seconds here (the demo's agents start Offline, untouched by it)."""
    server = WorkspaceServer(
        Path(tmp_path_factory.mktemp("board")), extra_env={"AW_AWAY_AFTER_MINUTES": "0.1"}
    )
    server.start()
    yield server
    server.stop()


def _figure(page: Page, label: str) -> Locator:
    card = page.get_by_role("region", name="Overview").get_by_role("group", name=label)
    return card.get_by_test_id("figure")


def test_the_overview_moves_live_and_the_table_pages(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("link", name="Supervisor board").click()
    open_now = _figure(page, "Open")
    pager = page.locator("#board-page")
    expect(pager).to_have_text(re.compile(r" of [1-9]"))  # the board is read: demo data
    before = int(pager.inner_text().rsplit(" ", 1)[1])  # every active one, unfiltered
    expect(open_now).to_have_text(str(before))
    unassigned = int(_figure(page, "Unassigned").inner_text())

    marker = uuid.uuid4().hex[:8]
    text_in(workspace, fresh_mobile(), f"Where is parcel {marker}?")
    expect(open_now).to_have_text(str(before + 1))  # live: no reload
    expect(_figure(page, "Unassigned")).to_have_text(str(unassigned + 1))
    waiting = page.get_by_role("group", name="Waiting longest")
    expect(waiting.get_by_role("link", name=re.compile(r"^IMS\d{7}$"))).to_be_visible()
    expect(waiting).to_contain_text(" ago")  # how long, not only who
    expect(page.get_by_role("group", name="Breaching soon")).to_contain_text("No SLA policy")
    expect(page.get_by_role("region", name="Overview")).to_contain_text("Alice Agent")

    total = before + 1
    for n in range(max(0, PAGE_SIZE + 1 - total)):
        text_in(workspace, fresh_mobile(), f"Filler {n} {marker}")
    total = max(total, PAGE_SIZE + 1)
    expect(open_now).to_have_text(str(total))
    expect(pager).to_have_text(f"1-{PAGE_SIZE} of {total}")
    board = page.get_by_role("table", name="Active interactions")
    expect(board.get_by_role("row")).to_have_count(PAGE_SIZE + 1)  # and the header
    page.get_by_role("button", name="Next page").click()
    expect(pager).to_have_text(f"{PAGE_SIZE + 1}-{total} of {total}")
    expect(board.get_by_role("row")).to_have_count(total - PAGE_SIZE + 1)
    page.get_by_role("button", name="Previous page").click()
    expect(pager).to_have_text(f"1-{PAGE_SIZE} of {total}")

    page.get_by_label("Find").fill(f"parcel {marker}")
    expect(pager).to_have_text("1-1 of 1")
    expect(board.get_by_role("row", name=re.compile(f"parcel {marker}"))).to_have_count(1)


def test_the_overview_says_nothing_of_sla_until_its_load_has_decided(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    load = HeldLoad(page)
    load.armed = True
    page.goto(f"{workspace.url}/supervisor")
    overview = page.get_by_role("region", name="Overview")
    # The state snapshot names who signed in; the board's load that follows it is held.
    expect(page.get_by_role("banner")).to_contain_text("Sam Supervisor")
    assert load.holding, "the state snapshot came, the board's load is held"
    expect(page.get_by_text("No SLA policy")).to_have_count(0)
    expect(overview.get_by_role("status", name="Loading the overview")).to_be_visible()

    load.release()
    expect(overview.get_by_role("group", name="Breaching soon")).to_contain_text("No SLA policy")
    expect(overview.get_by_role("status", name="Loading the overview")).to_have_count(0)


def test_an_idle_agent_turns_away_on_the_board_and_back_when_they_act(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("link", name="Supervisor board").click()
    alice = browser.new_context().new_page()
    sign_in_as_agent(alice, workspace, "alice")
    status = alice.get_by_label("Status")
    status.select_option("available")
    available = page.get_by_role("list", name="Available agents")
    expect(available).to_contain_text("Alice Agent")

    # Alice touches nothing: her own tab says she went idle (the server keeps no timer).
    expect(status).to_have_value("away", timeout=30_000)
    away = page.get_by_role("list", name="Away agents")
    expect(away.get_by_role("listitem").filter(has_text="Alice Agent")).to_contain_text(
        "Away (idle)"
    )
    alice.mouse.move(40, 40)
    alice.mouse.move(60, 60)
    expect(status).to_have_value("available")
    expect(available).to_contain_text("Alice Agent")
    alice.context.close()


def test_an_agents_status_follows_in_their_other_tab(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    """Two tabs of one agent: a status chosen in one, and Away after idle (which one tab
    reports), show in the other with no reload."""
    username, _ = add_agent(workspace, "Tess")
    context = browser.new_context()
    first, second = context.new_page(), context.new_page()
    sign_in_as_agent(first, workspace, username, f"{username}-pass-phrase")
    second.goto(workspace.url)
    expect(second.get_by_role("heading", name="My Interactions")).to_be_visible()
    one, other = first.get_by_label("Status"), second.get_by_label("Status")

    one.select_option("away")
    expect(other).to_have_value("away")
    other.select_option("available")
    expect(one).to_have_value("available")
    # Nobody touches either tab: one of them reports the idleness, both show it.
    expect(one).to_have_value("away", timeout=30_000)
    expect(other).to_have_value("away")
    first.mouse.move(40, 40)
    first.mouse.move(60, 60)
    expect(other).to_have_value("available")
    expect(one).to_have_value("available")
    context.close()
