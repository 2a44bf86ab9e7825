"""An administrator takes an agent off the desk and back (issue 23, item 6): Deactivate and
removing a role ask first; the agent's open tab loses its feeds and goes to sign-in within
seconds, without a reload; the administrator hands on their open work and can reactivate
them. On SQLite and on PostgreSQL + Redis with two workers."""

from __future__ import annotations

import re
import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.pages import desk_page, new_interaction, sign_in
from tests.support.servers import WorkspaceServer

SIGNED_OUT_WITHIN_MS = 15_000  # a bound on the wait (the notifier acts at once on a revoke)


def _create_agent(admin: Page, username: str, password: str) -> None:
    admin.get_by_role("tab", name="Users and roles").click()
    admin.get_by_label("Username").fill(username)
    admin.get_by_label("Name", exact=True).fill(f"{username.title()} Agent")
    admin.get_by_label("Password (at least 12 characters, hard to guess)").fill(password)
    admin.get_by_role("checkbox", name="Supervisor", exact=True).click()
    admin.get_by_role("button", name="Create user").click()
    expect(admin.get_by_role("checkbox", name=f"Supervisor role for {username}")).to_be_checked()


def _confirm(admin: Page, title: str, button: str) -> None:
    dialog = admin.get_by_role("alertdialog", name=title)
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name=button).click()
    expect(dialog).to_have_count(0)


def test_an_admin_takes_an_agent_off_the_desk_and_hands_on_their_work(
    browser: Browser, any_workspace: WorkspaceServer
) -> None:
    username = f"dora{uuid.uuid4().hex[:6]}"
    password = f"{username}-works-the-late-shift"
    admin = desk_page(browser)
    sign_in(admin, any_workspace, "ada", "ada-demo-pass")
    expect(admin.get_by_role("heading", name="Administration")).to_be_visible()
    admin.get_by_role("tab", name="Users and roles").click()
    # The page's on_load fills its forms: typing before it finished was reset by it.
    users = admin.get_by_role("table", name="Users")
    expect(users.get_by_role("row", name=re.compile("Ada Admin"))).to_be_visible()
    _create_agent(admin, username, password)
    agent = desk_page(browser)
    sign_in(agent, any_workspace, username, password)
    expect(agent.get_by_role("heading", name="My Interactions")).to_be_visible()
    new_interaction(agent, any_workspace, "Chloe Martin · consumer")
    number = agent.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()

    admin.get_by_role("button", name=f"Deactivate {username}").click()
    _confirm(admin, "Deactivate account", "Deactivate")

    # Her tab goes to sign-in by itself, and shows nothing of the interaction any more.
    expect(agent.get_by_role("button", name="Sign in")).to_be_visible(timeout=SIGNED_OUT_WITHIN_MS)
    expect(agent.get_by_role("heading", level=2, name=number)).to_have_count(0)
    work = admin.get_by_role("status", name="Open work")
    expect(work).to_contain_text(number)
    admin.get_by_label("Hand them to").select_option(label="Bob Agent")
    work.get_by_role("button", name="Reassign").click()
    expect(work).to_contain_text(f"{username} holds no open interactions.")

    admin.get_by_role("button", name=f"Reactivate {username}").click()
    row = admin.get_by_role("table", name="Users").get_by_role("row", name=re.compile(username))
    expect(row).to_contain_text("Active")
    sign_in(agent, any_workspace, username, password)
    expect(agent.get_by_role("heading", name="My Interactions")).to_be_visible()

    admin.get_by_role("checkbox", name=f"Supervisor role for {username}").click()
    _confirm(admin, "Remove role", "Remove role")
    expect(agent.get_by_role("button", name="Sign in")).to_be_visible(timeout=SIGNED_OUT_WITHIN_MS)

    bob = desk_page(browser)
    sign_in(bob, any_workspace, "bob", "bob-demo-pass")
    expect(bob.get_by_role("list", name="My Interactions")).to_contain_text(number)
    for page in (admin, agent, bob):
        page.context.close()
