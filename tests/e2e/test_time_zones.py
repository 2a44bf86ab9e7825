"""Day one at the desk (item 11): times are in the agent's time zone (the browser's), and the
screen says which: the conversation's times and the live-group History of the supervisor
board, in New York and in Tokyo."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.pages import compose, messages, new_interaction, send, sign_in_as_agent
from tests.e2e.people import add_agent, fresh_mobile, leave_notices
from tests.support.servers import WorkspaceServer


def _offset(now: datetime) -> str:
    text = now.strftime("%z")
    return f"{text[:3]}:{text[3:]}"


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_conversation_and_history_times_are_in_the_agents_zone(
    browser: Browser, workspace: WorkspaceServer, zone: str
) -> None:
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    sign_in_as_agent(page, workspace, "sam")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    body = f"What time is it in {zone}?"
    compose(page, body=body, to=fresh_mobile())
    send(page)
    now = datetime.now(ZoneInfo(zone))
    minutes = {(now - timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    abbreviation, offset = now.strftime("%Z"), _offset(now)

    expect(page.get_by_text(re.compile("^Times in "))).to_have_text(
        f"Times in {zone} ({abbreviation}, UTC{offset})"
    )
    when = messages(page).get_by_test_id("outbound-message").filter(has_text=body).locator("time")
    expect(when).to_have_text(re.compile(r"^\d\d:\d\d$"))
    assert when.inner_text() in minutes, (when.inner_text(), minutes)
    expect(when).to_have_attribute("title", re.compile(rf"UTC{re.escape(offset)}$"))
    number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()

    page.get_by_role("link", name="Supervisor board").click()
    page.get_by_role("button", name=f"History {number}").click()
    dialog = page.get_by_role("dialog", name=f"Live group history of {number}")
    joined = dialog.get_by_role("row").filter(has_text="Sam Supervisor").get_by_role("cell").nth(1)
    expect(joined).to_have_text(
        re.compile(rf"^\d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d {re.escape(abbreviation)}$")
    )
    shown = joined.inner_text()
    assert shown[11:16] in minutes and shown[:10] in {
        (now - timedelta(minutes=m)).strftime("%Y-%m-%d") for m in (0, 1)
    }, (shown, now)
    context.close()


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Tokyo"])
def test_a_notice_says_when_in_the_agents_zone(
    browser: Browser, workspace: WorkspaceServer, zone: str
) -> None:
    username, agent_id = add_agent(workspace, "Quinn")
    leave_notices(workspace, agent_id, "Sam Supervisor assigned IMS9900200 to you.")
    now = datetime.now(ZoneInfo(zone))
    minutes = {(now - timedelta(minutes=m)).strftime("%H:%M") for m in (0, 1)}
    context = browser.new_context(timezone_id=zone)
    page = context.new_page()
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    notice = page.get_by_role("region", name="Notices").get_by_role("note")
    when = notice.filter(has_text="assigned IMS9900200").locator("time")
    expect(when).to_have_text(re.compile(r"^\d\d:\d\d$"))
    assert when.inner_text() in minutes, (when.inner_text(), minutes)
    expect(when).to_have_attribute("title", re.compile(rf"UTC{re.escape(_offset(now))}$"))
    context.close()
