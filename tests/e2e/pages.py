"""What an agent does in the browser, in words the tests read like."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.servers import WorkspaceServer


def sign_in(page: Page, workspace: WorkspaceServer, username: str, password: str) -> None:
    page.goto(f"{workspace.url}/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_as_agent(page: Page, workspace: WorkspaceServer, username: str = "alice") -> None:
    sign_in(page, workspace, username, f"{username}-demo-pass")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()


def open_interaction_of(page: Page, person: str) -> None:
    """Clicks the Number of the first My Interactions row about `person`."""
    row = page.get_by_role("row", name=re.compile(person)).first
    row.get_by_role("link", name=re.compile(r"^IMS\d{7}$")).click()
    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()


def compose(
    page: Page, *, body: str, from_number: str = "+14155550100", to: str | None = None
) -> None:
    """Opens Compose SMS and fills it; `to` picks Other and types the number."""
    page.get_by_role("button", name="Compose SMS").click()
    page.get_by_label("From").select_option(from_number)
    if to is not None:
        page.get_by_label("To", exact=True).select_option("other")
        page.get_by_label("Other number").fill(to)
    page.get_by_label("Message", exact=True).fill(body)


def messages(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("list", name="Messages")


def new_interaction(page: Page, workspace: WorkspaceServer, person: str) -> None:
    """My Interactions → New → about `person` (as the select labels it) → Create."""
    page.goto(workspace.url)
    page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog", name="New interaction")
    dialog.get_by_label("Consumer or contact").select_option(label=person)
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("button", name="Compose SMS")).to_be_visible()
