"""The Details form follows the interaction live and saves only what the agent edited: a
pick-up, a reassign or another agent's save is never undone by it, and a save over a change
the agent has not seen is refused saying what changed. On SQLite and on PostgreSQL + Redis."""

from __future__ import annotations

import uuid

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import SUPPORT
from tests.e2e.pages import sign_in_as_agent
from tests.support.servers import WorkspaceServer


def _waiting(workspace: WorkspaceServer) -> str:
    """A text from a number nobody knows: it waits in the virtual agent's queue."""
    body = f"Do you ship to Canada? {uuid.uuid4().hex[:6]}"
    stranger = f"+1617555{uuid.uuid4().int % 9000 + 1000}"
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": stranger, "to": SUPPORT, "body": body},
        timeout=10,
    ).raise_for_status()
    return body


def _agent(browser: Browser, workspace: WorkspaceServer, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in_as_agent(page, workspace, username)
    return page


def _open_waiting(page: Page, body: str) -> None:
    page.get_by_label("Show").select_option("virtual_agent")
    page.get_by_role("list", name="Virtual agent").get_by_role("link").filter(has_text=body).click()
    expect(page.get_by_role("button", name="Pick up")).to_be_visible()


def test_after_a_pick_up_details_follow_and_a_save_keeps_it(
    browser: Browser, any_workspace: WorkspaceServer
) -> None:
    body = _waiting(any_workspace)
    page = _agent(browser, any_workspace, "alice")
    _open_waiting(page, body)
    assigned = page.get_by_label("Assigned to")
    expect(assigned).to_have_text("Virtual Agent")

    page.get_by_role("button", name="Pick up").click()
    expect(assigned).to_have_text("Alice Agent")  # the form followed the pick-up
    page.get_by_label("Short description").fill("Ships to Canada?")
    page.get_by_role("button", name="Save", exact=True).click()

    expect(page.get_by_text("Details saved.")).to_be_visible()
    page.reload()
    expect(page.get_by_label("Interaction state")).to_have_text("work in progress")
    expect(assigned).to_have_text("Alice Agent")
    expect(page.get_by_label("Short description")).to_have_value("Ships to Canada?")


def test_another_agents_save_shows_at_once_and_a_stale_edit_is_refused(
    browser: Browser, any_workspace: WorkspaceServer
) -> None:
    body = _waiting(any_workspace)
    alice = _agent(browser, any_workspace, "alice")
    _open_waiting(alice, body)
    alice.get_by_role("button", name="Pick up").click()
    expect(alice.get_by_label("Assigned to")).to_have_text("Alice Agent")
    sam = _agent(browser, any_workspace, "sam")
    sam.goto(alice.url)
    expect(sam.get_by_label("Assigned to")).to_have_text("Alice Agent")

    alice.get_by_label("Short description").fill("Alice's summary")  # not saved yet
    sam.get_by_label("State", exact=True).select_option("on_hold")
    sam.get_by_label("Short description").fill("Sam's summary")
    sam.get_by_role("button", name="Save", exact=True).click()
    expect(sam.get_by_text("Details saved.")).to_be_visible()

    # Alice sees Sam's state at once; her own edit stays as she typed it...
    expect(alice.get_by_label("State", exact=True)).to_have_value("on_hold")
    expect(alice.get_by_label("Short description")).to_have_value("Alice's summary")
    # ...and saving it over Sam's, which she never saw, is refused saying what it is now.
    alice.get_by_role("button", name="Save", exact=True).click()
    expect(alice.get_by_role("alert").filter(has_text="Someone changed")).to_contain_text(
        'the short description is now "Sam\'s summary"'
    )
    sam.reload()
    expect(sam.get_by_label("Short description")).to_have_value("Sam's summary")
