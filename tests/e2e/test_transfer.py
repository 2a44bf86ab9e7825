"""Transfer (issue 27 item 3): Alice hands her conversation to Bob with a note from the
conversation's header; Bob, signed in elsewhere, is told live, finds it in My Interactions and
reads the note in the conversation."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from tests.e2e.pages import desk_page, new_interaction, sign_in_as_new_agent
from tests.support.servers import WorkspaceServer

WHY = "She asks about a refund; Bob handles refunds. Order 4412."


def test_alice_transfers_a_conversation_to_bob_who_is_told_live(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    bob = desk_page(browser)
    _, bob_id = sign_in_as_new_agent(bob, workspace, "Bob")
    alice = desk_page(browser)
    sign_in_as_new_agent(alice, workspace, "Alice")
    new_interaction(alice, workspace, "Priya Sharma · consumer")
    number = alice.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()

    alice.get_by_role("button", name="Transfer", exact=True).click()
    dialog = alice.get_by_role("dialog", name=f"Transfer {number}")
    expect(dialog.get_by_label("Transfer to")).to_contain_text("Back to the queue")
    dialog.get_by_label("Transfer to").select_option(value=str(bob_id))
    dialog.get_by_label("Note (why, and what is left to do)").fill(WHY)
    dialog.get_by_role("button", name="Transfer", exact=True).click()
    expect(dialog).to_have_count(0)

    # The note stays in the conversation, saying who transferred it to whom and why.
    note = alice.get_by_test_id("note-message").filter(has_text=WHY)
    expect(note).to_contain_text(f"Alice Agent transferred this to Bob Agent: {WHY}")
    expect(alice.get_by_role("list", name="My Interactions")).not_to_contain_text(number)

    # Bob's other browser: the notice and the list row arrive without a reload.
    notices = bob.get_by_role("region", name="Notices")
    expect(notices).to_contain_text(f"Alice Agent transferred {number} to you: {WHY}")
    mine = bob.get_by_role("list", name="My Interactions")
    expect(mine).to_contain_text(number)
    mine.get_by_role("link", name=re.compile(number)).click()
    expect(bob.get_by_role("heading", level=2, name=number)).to_be_visible()
    expect(bob.get_by_test_id("note-message").filter(has_text=WHY)).to_be_visible()
    for page in (alice, bob):
        page.context.close()
