"""A channel that sends through a Twilio Messaging Service (issue 26 item 9), in Chromium: an
administrator sets the service's SID on the SMS channel tab, an agent sends a text without
choosing a From (Twilio picks it from the service's pool), and the bubble shows the number
Twilio chose. The shared workspace's channel and simulator are put back at the end."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.pages import (
    compose,
    messages,
    new_interaction,
    send,
    send_now_if_quiet,
    sign_in,
    sign_in_as_agent,
)
from tests.support.servers import WorkspaceServer

SERVICE = "MG" + "5e2c1a7b9d3f4e6a8b0c2d4e6f8a0b1c"
POOL = ["+14155550100", "+14155550199"]  # the demo channel's numbers: the service's pool
NEW_PHONE = "+1 415 555 0188"  # a number no other test texts: Twilio's first choice for it


def _sim_settings(workspace: WorkspaceServer, **changes: Any) -> dict[str, Any]:
    answer = httpx.post(f"{workspace.simulator_url}/_sim/settings", json=changes, timeout=10)
    answer.raise_for_status()
    settings: dict[str, Any] = answer.json()
    return settings


@pytest.fixture
def service_known_to_twilio(workspace: WorkspaceServer) -> Iterator[str]:
    """The simulated Twilio account has the service, its pool the channel's numbers; after
    the test the channel sends from chosen numbers again and the simulator is as it was."""
    before = _sim_settings(workspace)
    _sim_settings(workspace, messaging_services=[SERVICE], provider_numbers=POOL)
    try:
        yield SERVICE
    finally:
        workspace.cli("update-channel", "--messaging-service", "")
        _sim_settings(
            workspace,
            messaging_services=before["messaging_services"],
            provider_numbers=before["provider_numbers"],
        )


def test_an_agent_sends_through_the_messaging_service_and_sees_the_sender_twilio_chose(
    page: Page, browser: Browser, workspace: WorkspaceServer, service_known_to_twilio: str
) -> None:
    sign_in(page, workspace, "ada", "ada-demo-pass")
    page.get_by_role("tab", name="SMS channel").click()
    page.get_by_label(re.compile(r"^Messaging Service SID")).fill(service_known_to_twilio)
    page.get_by_role("button", name="Save channel").click()
    expect(page.get_by_text("SMS channel saved.")).to_be_visible()

    page = browser.new_context().new_page()
    sign_in_as_agent(page, workspace, "alice")
    new_interaction(page, workspace, "Hans Müller · consumer")
    compose(page, body="Your new phone is registered", from_number=None, to=NEW_PHONE)
    expect(page.get_by_label("Number in E.164")).to_contain_text("+14155550188")
    composer = page.get_by_role("region", name="Compose SMS")
    # No From to choose: Twilio picks the number from the service's pool.
    expect(
        composer.get_by_text("From: the Messaging Service (Twilio picks the number)")
    ).to_be_visible()
    expect(composer.get_by_label("From", exact=True)).to_have_count(0)
    expect(composer.get_by_role("status").filter(has_text="Send will")).to_be_visible()
    send(page)

    outbound = messages(page).get_by_role("listitem").filter(has_text="new phone is registered")
    send_now_if_quiet(composer, outbound)
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    sim = httpx.get(f"{workspace.simulator_url}/_sim/messages", timeout=10).json()
    [sent] = [m for m in sim["messages"] if m.get("body") == "Your new phone is registered"]
    assert sent["request_params"]["MessagingServiceSid"] == [service_known_to_twilio]
    assert "From" not in sent["request_params"]
    chosen = {"+14155550100": "Support line", "+14155550199": "Billing line"}[sent["from"]]
    expect(outbound).to_contain_text(re.compile(rf"from {chosen} \(.*\) via Messaging Service"))
