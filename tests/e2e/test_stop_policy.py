"""An administrator sets the channel's STOP policy on the SMS channel tab (issue 26 item 6)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in
from tests.support.servers import WorkspaceServer

POLICY = "A STOP to one number stops every number of the channel"


def test_admin_turns_the_channel_wide_stop_off_and_on_and_it_persists(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in(page, workspace, "ada", "ada-demo-pass")
    page.get_by_role("tab", name="SMS channel").click()
    policy = page.get_by_role("checkbox", name=POLICY)
    expect(policy).to_be_checked()  # the default

    policy.click()
    expect(page.get_by_text("STOP policy saved: a STOP stops only the number")).to_be_visible()
    page.reload()
    page.get_by_role("tab", name="SMS channel").click()
    expect(page.get_by_role("checkbox", name=POLICY)).not_to_be_checked()

    page.get_by_role("checkbox", name=POLICY).click()  # back on, for the session's other tests
    expect(page.get_by_text("STOP policy saved: a STOP to one number stops every")).to_be_visible()
    page.reload()
    page.get_by_role("tab", name="SMS channel").click()
    expect(page.get_by_role("checkbox", name=POLICY)).to_be_checked()
