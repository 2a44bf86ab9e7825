"""Business hours and the after-hours auto-reply, as a team meets them (issue 27 items 8 and
9): an administrator sets hours that are closed now (a holiday today) and the auto-reply on
the SMS channel tab, a consumer texts through the simulator, and the agent who opens the
conversation sees the auto-reply in the transcript, from the workspace, delivered."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect

from agent_workspace.db.engine import make_engine
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import messages, open_interaction, sign_in, sign_in_as_agent, text_in
from tests.e2e.people import fresh_mobile
from tests.support.business_hours import ALL_DAY, closed_days
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

REPLY = "Thanks for writing! We are closed today and answer tomorrow from 09:00."


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    """A workspace of its own: an auto-reply would answer the shared workspace's other tests'
    inbound texts."""
    server = WorkspaceServer(Path(tmp_path_factory.mktemp("after-hours")))
    server.start()
    yield server
    server.stop()


def _interaction_of(workspace: WorkspaceServer, body: str) -> int:
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    found: list[int] = []
    try:

        def stored() -> bool:
            with engine.connect() as conn:
                found[:] = conn.execute(
                    sa.text("SELECT interaction_id FROM message WHERE body = :b"), {"b": body}
                ).scalars()
            return bool(found)

        wait_until(stored, what="the consumer's text stored")
        return found[0]
    finally:
        engine.dispose()


def test_a_text_outside_business_hours_gets_the_auto_reply_the_agent_sees(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    sign_in(page, workspace, "ada", "ada-demo-pass")
    page.get_by_role("tab", name="SMS channel").click()
    page.get_by_label(re.compile(r"^Time zone")).fill("UTC")
    hours = page.get_by_label(re.compile(r"^Opening hours"))
    hours.fill("Mon-Sun 9-5")
    save_hours = page.get_by_role("button", name="Save business hours")
    save_hours.click()
    expect(page.get_by_text('"9-5" is not a span of hours')).to_be_visible()
    expect(hours).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "the business hours form with an error")

    hours.fill(ALL_DAY)
    page.get_by_label(re.compile(r"^Holidays")).fill(closed_days())
    save_hours.click()
    expect(page.get_by_text("Business hours saved: Mon-Sun 00:00-24:00 (UTC).")).to_be_visible()
    page.get_by_role("checkbox", name="Answer texts outside business hours").click()
    page.get_by_label(re.compile(r"^Auto-reply \(at most")).fill(REPLY)
    expect(page.get_by_text("71 characters, 1 SMS segment")).to_be_visible()
    page.get_by_role("button", name="Save auto-reply").click()
    expect(page.get_by_text("Auto-reply saved: on.")).to_be_visible()

    body = f"Is anyone there? {uuid.uuid4().hex[:6]}"
    text_in(workspace, fresh_mobile(), body)

    agent = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in_as_agent(agent, workspace, "alice")
    open_interaction(agent, workspace, _interaction_of(workspace, body))
    transcript = messages(agent)
    expect(transcript).to_contain_text(body)
    reply = transcript.get_by_role("listitem").filter(has_text=REPLY)
    expect(reply).to_contain_text("Auto-reply (outside business hours)")
    expect(reply.get_by_label("Delivery status")).to_have_text(re.compile("^(Sent|Delivered)$"))
    agent.context.close()
