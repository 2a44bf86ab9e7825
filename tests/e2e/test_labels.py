"""Labels (issue 27 item 5): an administrator creates one, an agent puts it on a conversation
and filters her list by it, then takes it off; each step shows without a reload."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, expect

from tests.e2e.pages import (
    desk_page,
    new_interaction,
    sign_in,
    sign_in_as_agent,
)
from tests.support.servers import WorkspaceServer


def test_ada_creates_a_label_alice_puts_it_on_a_conversation_and_filters_by_it(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    name = f"Priority {uuid.uuid4().hex[:8]}"  # the workspace server is shared across tests

    admin = desk_page(browser)
    sign_in(admin, workspace, "ada", "ada-demo-pass")
    admin.get_by_role("tab", name="Labels").click()
    expect(admin.get_by_role("heading", name="Labels", exact=True)).to_be_visible()
    admin.get_by_label(re.compile("^Name")).fill(name)
    admin.get_by_label("Colour").select_option(label="Purple")
    admin.get_by_role("button", name="Save label").click()
    expect(admin.get_by_text(f"Saved the label '{name}'.")).to_be_visible()
    table = admin.get_by_role("table", name="Labels")
    expect(table.get_by_role("row").filter(has_text=name)).to_contain_text("purple")

    page = desk_page(browser)
    sign_in_as_agent(page, workspace, "alice")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()
    page.get_by_label("Add label").select_option(label=name)
    labels = page.get_by_role("list", name="Labels")
    expect(labels).to_contain_text(name)
    expect(page.get_by_text(f"Added the label {name}.")).to_be_visible()

    mine = page.get_by_role("list", name="My Interactions")
    page.get_by_label("Label", exact=True).select_option(label=name)
    expect(mine.get_by_role("link")).to_have_count(1)
    expect(mine.get_by_role("link").first).to_contain_text(number)
    expect(mine.get_by_role("link").first).to_contain_text(name)

    page.get_by_role("button", name=f"Remove label {name}").click()
    expect(labels).not_to_contain_text(name)
    expect(mine.get_by_role("link")).to_have_count(0)  # the filtered list follows, live
