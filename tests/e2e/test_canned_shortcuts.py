"""Typing a canned reply's shortcut: Enter or Tab inserts the highlighted reply, the arrows move
the highlight, Escape closes the list, and a message that is only "/word" never goes out
without the agent saying so. On both deployments (SQLite; PostgreSQL + Redis, two workers)."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.pages import open_interaction_of, sign_in_as_agent
from tests.support.servers import WorkspaceServer

REFUND = "Good news Maria: your refund is on its way (3-5 days)."
CLOSING = "Thanks Maria, anything else we can help with? Reply here any time."


def _sent_bodies(workspace: WorkspaceServer) -> list[str]:
    found = httpx.get(f"{workspace.simulator_url}/_sim/messages", timeout=10).json()["messages"]
    return [m.get("body") or "" for m in found]


def _mine(browser: Browser, workspace: WorkspaceServer) -> tuple[Page, Locator]:
    """Alice in her conversation with Maria, in a fresh browser context; the Message box."""
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in_as_agent(page, workspace, "alice")
    open_interaction_of(page, "Maria Garcia")
    composer = page.get_by_role("region", name="Compose SMS")
    box = composer.get_by_label("Message", exact=True)
    expect(box).to_be_visible()
    return page, box


def test_enter_on_a_shortcut_inserts_the_reply_and_sends_nothing(
    browser: Browser, any_workspace: WorkspaceServer
) -> None:
    page, box = _mine(browser, any_workspace)
    box.press_sequentially("/ref")  # typed as an agent types, and Enter at once
    box.press("Enter")

    expect(box).to_have_value(REFUND)
    assert "/ref" not in _sent_bodies(any_workspace)
    expect(page.get_by_role("list", name="Canned replies")).to_have_count(0)
    box.fill("")
    box.press_sequentially("/clos")
    box.press("Tab")
    expect(box).to_have_value(CLOSING)
    assert "/clos" not in _sent_bodies(any_workspace)


def test_the_arrows_move_the_highlight_and_escape_closes_the_list(
    browser: Browser, any_workspace: WorkspaceServer
) -> None:
    page, box = _mine(browser, any_workspace)
    box.press_sequentially("/")
    replies = page.get_by_role("list", name="Canned replies")
    for demo in ("Closing", "Hello and who I am", "Refund on its way"):
        expect(replies).to_contain_text(demo)
    # Other tests on the shared server may have added replies: follow the list as shown.
    titles = replies.get_by_role("button").all_text_contents()
    highlighted = replies.locator("[aria-current='true']")
    expect(highlighted).to_have_text(titles[0])
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(highlighted).to_have_text(titles[2])
    box.press("ArrowUp")
    expect(highlighted).to_have_text(titles[1])
    box.press("Escape")
    expect(replies).to_have_count(0)
    expect(box).to_have_value("/")


def test_a_message_that_is_only_a_shortcut_asks_before_it_goes(
    browser: Browser, any_workspace: WorkspaceServer
) -> None:
    page, box = _mine(browser, any_workspace)
    box.press_sequentially("/nosuchreply")
    expect(page.get_by_text("No canned reply matches.")).to_be_visible()
    box.press("Escape")
    box.press("Enter")

    question = page.get_by_role("alertdialog", name="Confirm Send")
    expect(question).to_contain_text(re.compile(r'only "/nosuchreply"'))
    question.get_by_role("button", name="Don't send").click()
    expect(question).to_have_count(0)
    assert "/nosuchreply" not in _sent_bodies(any_workspace)
    expect(box).to_have_value("/nosuchreply")
