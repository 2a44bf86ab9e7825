"""Service levels (issue 27 item 8): an administrator sets a first-response target (a bad one
is refused in words first); when a consumer texts, the agent's list row and the conversation
header say the time left, live, without a reload."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import (
    compose,
    messages,
    new_interaction,
    send,
    sign_in,
    sign_in_as_agent,
    text_in,
)
from tests.e2e.people import add_agent, fresh_mobile
from tests.support.servers import WorkspaceServer

LEFT = re.compile(r"First response 1[45]m left")


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    """A workspace of its own: a channel-wide target puts a clock on every conversation, which
    the shared workspace's other tests do not expect on their rows."""
    server = WorkspaceServer(Path(tmp_path_factory.mktemp("sla")))
    server.start()
    yield server
    server.stop()


def _page(browser: Browser) -> Page:
    return browser.new_context(viewport={"width": 1440, "height": 900}).new_page()


def test_a_first_response_target_shows_its_time_left_once_the_consumer_texts(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    admin = _page(browser)
    sign_in(admin, workspace, "ada", "ada-demo-pass")
    admin.get_by_role("tab", name="Service levels").click()
    expect(admin.get_by_role("heading", name="Service levels", exact=True)).to_be_visible()
    first = admin.get_by_label("First response target")
    first.fill("soon")
    admin.get_by_role("button", name="Save service level").click()
    expect(admin.get_by_text("Write the target as minutes or with units")).to_be_visible()
    first.fill("15m")
    admin.get_by_role("button", name="Save service level").click()
    expect(admin.get_by_text("Saved the service level for the channel.")).to_be_visible()
    table = admin.get_by_role("table", name="Service levels")
    expect(table.get_by_role("row").filter(has_text="Every conversation")).to_contain_text("15m")
    assert_accessible(admin, "the Service levels tab")
    admin.context.close()

    username, _ = add_agent(workspace, "Sam")
    page = _page(browser)
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    phone = fresh_mobile()
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="Your parcel left today.", to=phone)
    send(page)
    expect(messages(page)).to_contain_text("Your parcel left today.")
    number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()
    row = page.get_by_role("list", name="My Interactions").get_by_role(
        "link", name=re.compile(number)
    )
    expect(row).not_to_contain_text("First response")  # nobody waits for an answer yet

    text_in(workspace, phone, "Where is it now?")

    expect(messages(page)).to_contain_text("Where is it now?", timeout=15_000)
    expect(row).to_contain_text(LEFT)
    expect(page.locator("#aw-sla")).to_have_text(LEFT)
    assert_accessible(page, "a row and a header showing an SLA clock")
    send_reply = "It arrives tomorrow."
    compose(page, body=send_reply)
    send(page)
    expect(messages(page)).to_contain_text(send_reply)
    expect(row).not_to_contain_text("First response")  # answered: the clock stopped
    expect(page.locator("#aw-sla")).to_have_count(0)
    page.context.close()
