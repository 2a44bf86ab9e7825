"""An administrator changes the attachment policy; agents may not."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in, sign_in_as_agent
from tests.support.servers import WorkspaceServer


def test_admin_allows_pdfs_and_a_smaller_limit_and_it_persists(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in(page, workspace, "ada", "ada-demo-pass")
    page.get_by_role("tab", name="Attachment policy").click()
    expect(page.get_by_role("heading", name="Attachment policy")).to_be_visible()
    page.get_by_role("checkbox", name="PDF document (application/pdf)").click()
    page.get_by_label("Size limit for all files of a message (MB)").fill("6")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_role("alert")).to_contain_text("between 1 byte and 5 MB")

    page.get_by_label("Size limit for all files of a message (MB)").fill("2")
    page.get_by_label("Files per message").fill("3")
    page.get_by_role("button", name="Save policy").click()
    expect(page.get_by_text("Attachment policy saved.")).to_be_visible()

    page.reload()
    page.get_by_role("tab", name="Attachment policy").click()
    expect(page.get_by_role("checkbox", name="PDF document (application/pdf)")).to_be_checked()
    expect(page.get_by_label("Size limit for all files of a message (MB)")).to_have_value("2")
    expect(page.get_by_label("Files per message")).to_have_value("3")


def test_agents_are_refused_on_the_administration_page(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "bob")
    page.goto(f"{workspace.url}/admin")
    expect(page.get_by_role("alert")).to_contain_text("does not have the admin role")
    expect(page.get_by_role("heading", name="Attachment policy")).to_have_count(0)
