"""An agent signs in, sees My Interactions, and signs out; a non-agent is refused."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.support.servers import WorkspaceServer


def sign_in(page: Page, workspace: WorkspaceServer, username: str, password: str) -> None:
    page.goto(f"{workspace.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_agent_signs_in_sees_my_interactions_and_signs_out(
    page: Page, workspace: WorkspaceServer
) -> None:
    page.goto(workspace.url)
    expect(page).to_have_url(re.compile(r"/login$"))
    sign_in(page, workspace, "alice", "alice-demo-pass")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()
    mine = page.get_by_role("list", name="My Interactions")
    expect(mine.get_by_role("link", name=re.compile(r"IMS\d{7}")).first).to_be_visible()
    expect(mine).to_contain_text("Maria Garcia")
    page.goto(f"{workspace.url}/login")  # signed in: the login page sends the tab home
    expect(page).not_to_have_url(re.compile(r"/login$"))
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    page.goto(workspace.url)
    expect(page).to_have_url(re.compile(r"/login$"))


def test_wrong_password_shows_a_clear_error(page: Page, workspace: WorkspaceServer) -> None:
    sign_in(page, workspace, "alice", "not-her-password")
    expect(page.get_by_role("alert")).to_contain_text("Unknown username or wrong password")


def test_user_without_the_agent_role_is_refused(page: Page, workspace: WorkspaceServer) -> None:
    sign_in(page, workspace, "ada", "ada-demo-pass")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()  # her page
    page.goto(workspace.url)
    expect(page.get_by_role("alert")).to_contain_text("does not have the agent_workspace_user role")
    expect(page.get_by_role("list", name="My Interactions")).to_have_count(0)
