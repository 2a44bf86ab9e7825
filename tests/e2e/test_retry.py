"""A failed text says what happened and what to do, and Retry sends it again once (issue 26
items 4 and 5)."""

from __future__ import annotations

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.pages import compose, messages, new_interaction, send, sign_in_as_agent
from tests.support.servers import WorkspaceServer

FAILS_ONCE = "+12015550139"  # simulator: the first message undelivered (30003), then delivered


def test_a_failed_text_says_what_to_do_and_retry_delivers_it_once(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "bob")
    new_interaction(page, workspace, "John Doe · Globex Corporation")
    compose(page, body="Your replacement ships today.", to="+1 201 555 0139")
    send(page)

    failed = messages(page).get_by_role("listitem").filter(has_text="ships today").first
    expect(failed.get_by_label("Delivery status")).to_have_text("Undelivered", timeout=15_000)
    expect(failed.get_by_role("note")).to_contain_text("Their phone is unreachable")
    expect(failed.get_by_role("note")).to_contain_text("you can retry now")
    retry = failed.get_by_role("button", name="Retry")
    expect(retry).to_be_visible()

    retry.dblclick()  # a double click still sends once

    bubbles = messages(page).get_by_role("listitem").filter(has_text="ships today")
    expect(bubbles).to_have_count(2)
    expect(bubbles.nth(1).get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    expect(bubbles.nth(1)).to_contain_text("Retry of a message that failed above.")
    expect(bubbles.nth(0)).to_contain_text("Retried: sent again as a new message below.")
    expect(bubbles.nth(0).get_by_role("button", name="Retry")).to_have_count(0)
    sim = httpx.get(f"{workspace.simulator_url}/_sim/messages").json()["messages"]
    statuses = sorted(m["status"] for m in sim if m["to"] == FAILS_ONCE)
    assert statuses == ["delivered", "undelivered"]
