"""Snooze (issue 27 item 4): an agent snoozes a conversation until the consumer replies; it
leaves My Interactions, and when the consumer texts it comes back at the top with a notice
saying why, live, without a reload."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.pages import (
    compose,
    desk_page,
    messages,
    new_interaction,
    send,
    sign_in_as_new_agent,
    text_in,
)
from tests.e2e.people import fresh_mobile
from tests.support.servers import WorkspaceServer


def _number(page: Page) -> str:
    return page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()


def test_snoozed_until_reply_it_leaves_my_list_and_comes_back_on_top_when_they_text(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    page = desk_page(browser)
    sign_in_as_new_agent(page, workspace, "Alice")
    phone = fresh_mobile()
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="Your refund is on its way.", to=phone)
    send(page)
    expect(messages(page)).to_contain_text("Your refund is on its way.")
    snoozed = _number(page)
    new_interaction(page, workspace, "Priya Sharma · consumer")  # newer: on top for now
    newer = _number(page)
    mine = page.get_by_role("list", name="My Interactions")
    expect(mine.get_by_role("link").first).to_contain_text(newer)
    mine.get_by_role("link", name=re.compile(snoozed)).click()
    expect(page.get_by_role("heading", level=2, name=snoozed)).to_be_visible()

    page.get_by_role("button", name="Snooze", exact=True).click()
    dialog = page.get_by_role("dialog", name=f"Snooze {snoozed}")
    dialog.get_by_label(re.compile("^Or when")).fill("next blue moon")
    dialog.get_by_role("button", name="Snooze", exact=True).click()
    expect(dialog).to_contain_text('"next blue moon" is not a snooze time')
    dialog.get_by_role("button", name="Until they reply").click()

    expect(dialog).to_have_count(0)
    snoozed_line = page.get_by_role("status").filter(has_text="Snoozed until they reply")
    expect(snoozed_line).to_be_visible()
    expect(snoozed_line.get_by_role("button", name="Wake now")).to_be_visible()
    expect(page.get_by_role("button", name="Snooze", exact=True)).to_have_count(0)
    expect(mine).not_to_contain_text(snoozed)
    expect(mine).to_contain_text(newer)

    text_in(workspace, phone, "Has it left yet?")

    notices = page.get_by_role("region", name="Notices")
    expect(notices).to_contain_text(
        re.compile(rf"replied: {snoozed} is back in My Interactions\."), timeout=15_000
    )
    expect(mine.get_by_role("link").first).to_contain_text(snoozed)
    expect(snoozed_line).to_have_count(0)
    expect(page.get_by_role("button", name="Snooze", exact=True)).to_be_visible()
    expect(messages(page)).to_contain_text("Has it left yet?")
    page.context.close()
