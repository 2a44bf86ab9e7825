"""@mentions in internal notes (issue 27 item 6): Alice mentions a colleague in a note; the
colleague, signed in elsewhere, gets a live notice and opens the interaction from it."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.pages import (
    desk_page,
    messages,
    new_interaction,
    sign_in_as_new_agent,
)
from tests.support.servers import WorkspaceServer


def test_a_mentioned_agent_is_told_live_and_opens_the_interaction_from_the_notice(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    olga = desk_page(browser)
    olga_name, _ = sign_in_as_new_agent(olga, workspace, "Olga")
    alice = desk_page(browser)
    sign_in_as_new_agent(alice, workspace, "Alice")
    new_interaction(alice, workspace, "Priya Sharma · consumer")
    number = alice.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()
    interaction_url = alice.url

    alice.get_by_role("button", name="Compose SMS").click()
    composer = alice.get_by_role("region", name="Compose SMS")
    composer.get_by_role("radio", name="Internal note").click()
    note = f"@{olga_name.capitalize()}, can you check her refund? Not priya@example.com."
    composer.get_by_label("Message", exact=True).fill(note)
    composer.get_by_role("button", name="Add note").click()
    bubble = messages(alice).get_by_test_id("note-message").filter(has_text="her refund")
    expect(bubble).to_be_visible()
    expect(bubble.locator("strong")).to_have_text(f"@{olga_name.capitalize()}")

    # Olga's other browser: the notice arrives without a reload and links to the interaction.
    notices = olga.get_by_role("region", name="Notices")
    told = notices.get_by_role("note").filter(has_text=f"Alice Agent mentioned you in {number}")
    expect(told).to_contain_text(f"@{olga_name.capitalize()}, can you check her refund?")
    expect(notices).to_contain_text("1 notice")
    told.get_by_role("link", name="Open").click()
    expect(olga).to_have_url(interaction_url)
    expect(olga.get_by_role("heading", level=2, name=number)).to_be_visible()
    seen = messages(olga).get_by_test_id("note-message").filter(has_text="her refund")
    expect(seen).to_be_visible()
    expect(told).to_have_count(0)
    for page in (alice, olga):
        page.context.close()
