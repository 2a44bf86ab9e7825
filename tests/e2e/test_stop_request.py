"""A consumer who asks in their own words to stop is not missed: the text is flagged, one click
(asked first) opts the number out, and Send to it is refused saying who did it (issue 26 item 7)."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import compose, messages, new_interaction, send, sign_in_as_agent, text_in
from tests.support.servers import WorkspaceServer


def test_a_request_to_stop_is_flagged_and_one_click_opts_the_number_out(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "bob")
    phone = f"+1415555{uuid.uuid4().int % 9000 + 1000}"
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="Your order has shipped.", to=phone)
    send(page)
    expect(messages(page)).to_contain_text("Your order has shipped.")

    text_in(workspace, phone, "Please stop texting me")

    asked = messages(page).get_by_role("listitem").filter(has_text="Please stop texting me")
    flag = asked.get_by_role("note", name="Request to stop texting")
    expect(flag).to_contain_text("This may be a request to stop texting.", timeout=10_000)
    shipped = messages(page).get_by_role("listitem").filter(has_text="Your order has shipped.")
    expect(shipped.get_by_role("note", name="Request to stop texting")).to_have_count(0)
    assert_accessible(page, "a text flagged as a request to stop")

    flag.get_by_role("button", name="Opt out this number").click()
    question = page.get_by_role("alertdialog", name="Opt out this number?")
    expect(question).to_contain_text("until they text START")
    question.get_by_role("button", name="Opt out", exact=True).click()

    expect(question).to_be_hidden()
    expect(flag).to_contain_text("Opted out by Bob Agent")
    expect(flag.get_by_role("button", name="Opt out this number")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text="This number has opted out")).to_be_visible()

    compose(page, body="Sorry, one last thing")
    send(page)
    expect(page.get_by_role("alert").filter(has_text="opted out")).to_contain_text(
        re.compile("Bob Agent opted them out at their request.*until they text START")
    )
    sent = httpx.get(f"{workspace.simulator_url}/_sim/messages", timeout=10).json()["messages"]
    assert not any("one last thing" in (m.get("body") or "") for m in sent)
