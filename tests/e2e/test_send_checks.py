"""Checks before Send, as an agent meets them (issue 26 items 1 and 8): the consumer's local
time next to To, a smart quote shown with its one-click fix that drops a segment, and a link
shortener warned about as it is typed."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import SUPPORT
from tests.e2e.pages import sign_in_as_agent
from tests.e2e.people import fresh_mobile
from tests.support.servers import WorkspaceServer

# 100 characters with one smart quote: 2 segments as Unicode, 1 once the quote is plain.
SMART = "Don\u2019t worry, " + "x" * 86


def test_an_agent_fixes_a_smart_quote_is_warned_of_a_shortener_and_sees_their_time(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    body = f"Where is my parcel? {uuid.uuid4().hex[:6]}"
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": fresh_mobile(), "to": SUPPORT, "body": body},  # a +1 415 number
        timeout=10,
    ).raise_for_status()
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in_as_agent(page, workspace, "alice")
    page.get_by_label("Show").select_option("virtual_agent")
    page.get_by_role("list", name="Virtual agent").get_by_role("link").filter(has_text=body).click()

    composer = page.get_by_role("region", name="Compose SMS")
    expect(composer.locator("#compose-their-time")).to_have_text(
        re.compile(r"^\d\d:\d\d for them, Pacific Time$")
    )
    box = composer.get_by_label("Message", exact=True)
    counter = composer.locator("#compose-counter")
    checks = composer.get_by_role("list", name="Checks before Send")

    send = composer.get_by_role("button", name="Send", exact=True)
    before = send.bounding_box()
    box.fill(SMART)
    expect(counter).to_contain_text("2 segments")
    expect(checks).to_contain_text("(2 segments -> 1)")
    # The checks come as the agent types: they must not move Send from under the pointer.
    assert send.bounding_box() == before, (before, send.bounding_box())
    checks.get_by_role("button", name="Use plain characters").click()
    expect(box).to_have_value(SMART.replace("\u2019", "'"))
    expect(counter).to_contain_text("1 segment ")
    expect(checks).to_have_count(0)  # nothing left to say

    box.fill("Track it at bit.ly/abc123")
    expect(checks).to_contain_text("Carriers filter link shorteners like bit.ly")
    expect(checks.get_by_role("button")).to_have_count(0)  # no one-click fix for that
    page.context.close()
