"""Day one at the desk (item 13): axe finds no critical or serious violation in any state an
agent reaches (after a send with its toast, the narrow list, a notice, a dialog, an error), and
a skip link takes the keyboard to the conversations in a few presses."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import (
    compose,
    new_interaction,
    open_interaction_of,
    row_of,
    send,
    sign_in_as_agent,
    sign_in_as_new_agent,
)
from tests.e2e.people import add_agent, fresh_mobile, leave_notices
from tests.support.servers import WorkspaceServer


def test_a_send_with_its_toast_showing_passes_axe(page: Page, workspace: WorkspaceServer) -> None:
    sign_in_as_new_agent(page, workspace, "Axel")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="Checking contrast after a send.", to=fresh_mobile())
    send(page)
    expect(page.locator("[data-sonner-toast]").filter(has_text="Queued in")).to_be_visible()
    assert_accessible(page, "a conversation just after a send, its toast showing", toasts=True)
    assert_accessible(page, "a conversation after a send")


def test_the_narrow_list_passes_axe(browser: Browser, workspace: WorkspaceServer) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})
    sign_in_as_agent(page, workspace, "alice")
    expect(page.get_by_role("list", name="My Interactions")).to_be_visible()
    assert_accessible(page, "My Interactions on a phone")
    open_interaction_of(page, "Maria Garcia")
    page.get_by_role("button", name="Back to list").click()
    expect(row_of(page, "Maria Garcia").first).to_have_attribute("aria-current", "page")
    assert_accessible(page, "My Interactions on a phone, the open one marked")
    page.close()


def test_notices_dialogs_and_errors_pass_axe(page: Page, workspace: WorkspaceServer) -> None:
    username, agent_id = add_agent(workspace, "Iris")
    leave_notices(workspace, agent_id, "Sam Supervisor took over IMS9900200; it is theirs now.")
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    expect(page.get_by_role("region", name="Notices")).to_contain_text("took over IMS9900200")
    assert_accessible(page, "the workspace with a notice showing")

    page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog", name="New interaction")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Choose the consumer or contact")
    assert_accessible(page, "the New interaction dialog with its error")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()

    page.goto(f"{workspace.url}/interactions/999999")
    expect(page.get_by_role("alert").filter(has_text=re.compile("."))).to_be_visible()
    assert_accessible(page, "an interaction that cannot be opened")


def test_the_first_conversation_is_three_tab_presses_from_the_top(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "alice")
    page.goto(workspace.url)
    expect(
        page.get_by_role("list", name="My Interactions").get_by_role("link").first
    ).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to conversations")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["width"] > 10 and box["height"] > 10 and box["y"] >= 0
    page.keyboard.press("Enter")
    presses = 1
    first_row = page.get_by_role("list", name="My Interactions").get_by_role("link").first
    while presses < 3:
        page.keyboard.press("Tab")
        presses += 1
        if first_row.evaluate("e => e === document.activeElement"):
            break
    expect(first_row).to_be_focused()
