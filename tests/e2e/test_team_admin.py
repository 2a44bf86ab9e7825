"""An administrator runs the team: numbers agents send from without reloading, new agents who
sign in and work, every administration tab accessible."""

from __future__ import annotations

import contextlib
import re

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import (
    messages,
    new_interaction,
    open_interaction_of,
    send,
    sign_in,
    sign_in_as_agent,
)
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

NEW_NUMBER = "+14155550142"
TABS = (
    "SMS channel",
    "Users and roles",
    "Profile resolver",
    "Attachment policy",
    "Canned replies",
    "Import people",
    "Audit log",
)


def _admin(browser: Browser, workspace: WorkspaceServer) -> Page:
    page = browser.new_context().new_page()
    sign_in(page, workspace, "ada", "ada-demo-pass")
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    # The page's on_load fills its forms: typing before it finished was reset by it.
    numbers = page.get_by_role("table", name="Provider numbers")
    expect(numbers.get_by_role("row", name=re.compile("Support line"))).to_be_visible()
    return page


def test_an_admin_adds_a_number_and_an_open_composer_sends_from_it_without_reload(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "alice")
    open_interaction_of(page, "Maria Garcia")
    # Maria's conversation is an SMS one: its composer is open from the start, From behind
    # "Change From or To" (whose name also holds "From": hence exact).
    from_list = page.get_by_label("From", exact=True)
    wait_until(lambda: _route_opened(page), timeout=15, what="the composer's From list")
    expect(from_list.get_by_role("option", name=re.compile("0142"))).to_have_count(0)

    admin = _admin(browser, workspace)
    admin.get_by_label("Number (E.164, e.g. +1 415 555 0100)").fill("415 555 01")
    admin.get_by_role("button", name="Add number").click()
    number_field = admin.get_by_label("Number (E.164, e.g. +1 415 555 0100)")
    expect(number_field).to_have_attribute("aria-invalid", "true")
    expect(admin.locator("#new-number-error")).to_contain_text("too short")
    assert_accessible(admin, "the provider numbers form with an error")
    number_field.fill(NEW_NUMBER)
    admin.get_by_label("Label (e.g. Support line)").fill("Weekend line")
    admin.get_by_role("button", name="Add number").click()
    numbers = admin.get_by_role("table", name="Provider numbers")
    expect(numbers.get_by_role("row", name=re.compile("Weekend line"))).to_have_count(1)
    expect(number_field).to_have_attribute("aria-invalid", "false")

    new_option = from_list.get_by_role("option", name="Weekend line (+1 415-555-0142)")
    expect(new_option).to_have_count(1)  # arrived live in the open composer
    from_list.select_option(NEW_NUMBER)
    page.get_by_label("Message", exact=True).fill("Hello from the weekend line")
    send(page)
    bubble = messages(page).get_by_test_id("outbound-message").last
    expect(bubble).to_contain_text("Hello from the weekend line")
    expect(bubble).to_contain_text("Weekend line (+1 415-555-0142)")

    admin.get_by_role("button", name="Remove +1 415-555-0142").click()
    expect(numbers.get_by_role("row", name=re.compile("Weekend line"))).to_have_count(0)
    # The open composer no longer offers or names the removed number, and says so.
    composer = page.get_by_role("region", name="Compose SMS")
    expect(composer.get_by_role("alert")).to_contain_text(
        "+1 415-555-0142 is no longer a sending number"
    )
    expect(composer).not_to_contain_text("Weekend line")
    admin.context.close()


def test_an_admin_creates_an_agent_who_signs_in_and_works(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    admin = _admin(browser, workspace)
    admin.get_by_role("tab", name="Users and roles").click()
    admin.get_by_label("Username").fill("nina")
    admin.get_by_label("Name", exact=True).fill("Nina Novak")
    password = admin.get_by_label("Password (at least 12 characters, hard to guess)")
    password.fill("short")
    admin.get_by_role("button", name="Create user").click()
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(admin.locator("#new-user-password-error")).to_contain_text("at least 12 characters")
    assert_accessible(admin, "the create-user form with an error")
    password.fill("password1234")
    admin.get_by_role("button", name="Create user").click()
    expect(admin.locator("#new-user-password-error")).to_contain_text(
        "too easy to guess. This is a very common password."
    )
    password.fill("nina-works-here")
    admin.get_by_role("button", name="Create user").click()
    accounts = admin.get_by_role("table", name="Users")
    expect(accounts.get_by_role("row", name=re.compile("Nina Novak"))).to_have_count(1)
    expect(admin.get_by_role("checkbox", name="Agent role for nina", exact=True)).to_be_checked()
    # The audit log, opened now, has the row: it was read once with the page and had not.
    admin.get_by_role("tab", name="Audit log").click()
    audit = admin.get_by_role("table", name="Audit log")
    expect(audit.get_by_role("row").filter(has_text="user.created").first).to_contain_text("nina")

    sign_in(page, workspace, "nina", "nina-works-here")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()
    new_interaction(page, workspace, "Chloe Martin · consumer")
    page.get_by_role("button", name="Compose SMS").click()
    page.get_by_label("From").select_option("+14155550100")
    page.get_by_label("Message", exact=True).fill("Bonjour Chloe")
    send(page)
    expect(messages(page).get_by_test_id("outbound-message").last).to_contain_text("Nina Novak")

    admin.get_by_role("tab", name="Users and roles").click()
    admin.get_by_role("button", name="Deactivate nina").click()
    admin.get_by_role("alertdialog", name="Deactivate account").get_by_role(
        "button", name="Deactivate"
    ).click()
    expect(admin.get_by_role("status").filter(has_text="still holds")).to_contain_text("IMS")
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()  # her session ended
    admin.context.close()


def test_every_administration_tab_is_accessible(page: Page, workspace: WorkspaceServer) -> None:
    sign_in(page, workspace, "ada", "ada-demo-pass")
    for tab in TABS:
        page.get_by_role("tab", name=tab).click()
        expect(page.get_by_role("heading", name=tab)).to_be_visible()
        assert_accessible(page, f"the {tab} tab")
    page.get_by_role("tab", name="Canned replies").click()
    page.get_by_label("Title").fill("Greeting")
    page.get_by_label("Text", exact=True).fill("Hi {frist_name}")
    page.get_by_role("button", name="Save reply").click()
    expect(page.locator("#reply-body-error")).to_contain_text("{frist_name} is not a placeholder")
    expect(page.get_by_label("Text", exact=True)).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Text", exact=True).fill("Hi {first_name}, {agent_name} here.")
    page.get_by_role("button", name="Save reply").click()
    replies = page.get_by_role("table", name="Shared canned replies")
    expect(replies.get_by_role("row", name=re.compile("Greeting"))).to_have_count(1)
    page.get_by_role("tab", name="Audit log").click()
    page.get_by_label("User (username)").fill("ada")
    page.get_by_role("button", name="Filter").click()
    log = page.get_by_role("table", name="Audit log")
    expect(log).to_contain_text("canned_reply.created")
    assert_accessible(page, "the filtered audit log")


def test_an_admin_unlocks_an_agent_whose_sign_in_was_paused_by_guesses(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    workspace.cli(
        *("create-user", "omar", "--name", "Omar", "--role", "agent_workspace_user"),
        "--password-stdin",
        stdin="omar-unlock-phrase\n",
    )
    for _ in range(ACCOUNT_FROM_ADDRESS.failures):
        sign_in(page, workspace, "omar", "a-wrong-guess")
        expect(page.get_by_role("alert")).to_contain_text("Unknown username or wrong password")
    sign_in(page, workspace, "omar", "omar-unlock-phrase")
    expect(page.get_by_role("alert")).to_contain_text("paused")

    admin = _admin(browser, workspace)
    admin.get_by_role("tab", name="Users and roles").click()
    row = admin.get_by_role("table", name="Users").get_by_role("row", name=re.compile("omar"))
    expect(row).to_contain_text("Sign-in paused")
    admin.get_by_role("button", name="Unlock sign-in of omar").click()
    expect(row).to_contain_text("Active")
    expect(admin.get_by_role("button", name="Unlock sign-in of omar")).to_have_count(0)
    admin.context.close()

    sign_in(page, workspace, "omar", "omar-unlock-phrase")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()


def _route_opened(page: Page) -> bool:
    """Opens From/To whichever way the page offers it; a loading page may swap "Compose SMS"
    for the open composer under the click, so it is tried again until From shows."""
    from_list = page.get_by_label("From", exact=True)
    if from_list.is_visible():
        return True
    for name in ("Change From or To", "Compose SMS"):
        button = page.get_by_role("button", name=name)
        if button.is_visible():
            with contextlib.suppress(PlaywrightTimeoutError):
                button.click(timeout=2_000)
            break
    return from_list.is_visible()
