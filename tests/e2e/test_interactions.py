"""New interaction from My Interactions, and closing one."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.pages import row_of, sign_in_as_agent
from tests.servers import WorkspaceServer


def test_new_interaction_about_a_person_then_close_it(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog", name="New interaction")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Choose the consumer or contact")
    dialog.get_by_label("Consumer or contact").select_option(label="Priya Sharma · consumer")
    dialog.get_by_label("Type").select_option("chat")
    dialog.get_by_label("Short description").fill("Delivery slot change")
    dialog.get_by_role("button", name="Create").click()

    expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    expect(page.get_by_label("Short description")).to_have_value("Delivery slot change")
    number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()
    mine = page.get_by_role("list", name="My Interactions")
    expect(row_of(mine, "Priya Sharma", number)).to_be_visible()
    page.get_by_role("button", name="Close interaction").click()
    expect(page.get_by_label("Interaction state")).to_have_text("closed complete")

    # Closed ones leave the open list; the State filter shows them.
    expect(row_of(mine, "Priya Sharma", number)).to_have_count(0)
    page.get_by_label("Open or closed").select_option("closed")
    expect(row_of(mine, "Priya Sharma", number)).to_be_visible()
