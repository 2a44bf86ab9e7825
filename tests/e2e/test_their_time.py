"""The consumer's local time beside their number (issue 26 item 1): a text from a San Francisco
number says it is Pacific Time for them; the agent sets the person's zone to Tokyo (they moved,
the number stayed) and the header says Tokyo time, read from the zone now stored."""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Browser, WebSocket, expect

from tests.e2e.conftest import SUPPORT
from tests.e2e.pages import sign_in_as_agent
from tests.e2e.people import fresh_mobile
from tests.support.servers import WorkspaceServer


def _minutes(zone: str) -> set[str]:
    now = datetime.now(ZoneInfo(zone))
    return {(now - timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}


def test_the_header_says_their_time_from_the_number_then_from_the_zone_set(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    body = f"Are you open now? {uuid.uuid4().hex[:6]}"
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": fresh_mobile(), "to": SUPPORT, "body": body},
        timeout=10,
    ).raise_for_status()
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    page.clock.install()  # time flows as usual; the test moves it on to see a tick
    sockets: list[WebSocket] = []
    page.on("websocket", lambda socket: sockets.append(socket))
    sign_in_as_agent(page, workspace, "alice")
    page.get_by_label("Show").select_option("virtual_agent")
    page.get_by_role("list", name="Virtual agent").get_by_role("link").filter(has_text=body).click()

    theirs = page.locator("#aw-their-time")
    expect(theirs).to_have_text(re.compile(r"^\d\d:\d\d for them, Pacific Time$"))
    assert theirs.inner_text()[:5] in _minutes("America/Los_Angeles")
    expect(page.get_by_label("Time zone")).to_have_text("America/Los_Angeles (from their number)")
    # The browser's timer, not the server, asks for the time again: once per half minute.
    with sockets[-1].expect_event("framesent", lambda sent: "tick_their_time" in str(sent)):
        page.clock.run_for(31_000)
    expect(theirs).to_have_text(re.compile(r"^\d\d:\d\d for them, Pacific Time$"))

    page.get_by_role("button", name="Save as a person").click()
    form = page.get_by_role("group", name="Person")
    form.get_by_label("First name").fill("Kenji")
    zone = form.get_by_label(re.compile("^Time zone"))
    zone.fill("Tokyo")  # not a zone: said next to the field, nothing saved
    form.get_by_role("button", name="Save person").click()
    expect(form.get_by_text("'Tokyo' is not a time zone")).to_be_visible()
    zone.fill("Asia/Tokyo")
    form.get_by_role("button", name="Save person").click()

    expect(page.get_by_text("Kenji saved.")).to_be_visible()
    expect(theirs).to_have_text(re.compile(r"^\d\d:\d\d for them, Tokyo time$"))
    assert theirs.inner_text()[:5] in _minutes("Asia/Tokyo")
    expect(page.get_by_label("Time zone")).to_have_text("Asia/Tokyo (set on the person)")
    page.context.close()
