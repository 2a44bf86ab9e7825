"""A supervisor reassigns a conversation and both agents see it live; the board is accessible."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import sign_in_as_agent
from tests.support.servers import WorkspaceServer

PHONE = "+16175550177"


def _text_in(workspace: WorkspaceServer, body: str) -> None:
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": PHONE, "to": "+14155550100", "body": body},
        timeout=10,
    ).raise_for_status()


def _agent(browser: Browser, workspace: WorkspaceServer, username: str) -> Page:
    page = browser.new_context().new_page()
    sign_in_as_agent(page, workspace, username)
    return page


def test_a_supervisor_reassigns_and_both_agents_see_the_notice(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    alice, bob = _agent(browser, workspace, "alice"), _agent(browser, workspace, "bob")
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("link", name="Supervisor board").click()
    board = page.get_by_role("table", name="Active interactions")
    _text_in(workspace, "My parcel never arrived")
    row = board.get_by_role("row", name=re.compile("My parcel never arrived"))
    expect(row).to_contain_text("Virtual Agent")
    number = row.get_by_role("link", name=re.compile(r"^IMS\d{7}$")).inner_text()
    assert_accessible(page, "the supervisor board")

    row.get_by_role("button", name=f"Reassign {number}").click()
    dialog = page.get_by_role("dialog", name=f"Reassign {number}")
    dialog.get_by_role("button", name="Reassign").click()
    expect(dialog).to_contain_text("Choose the agent to hand it to.")
    assert_accessible(page, "the reassign dialog")
    dialog.get_by_label("Reassign to").select_option(label="Alice Agent")
    dialog.get_by_role("button", name="Reassign").click()
    expect(row).to_contain_text("Alice Agent")
    notices = alice.get_by_role("region", name="Notices")
    expect(notices).to_contain_text(f"Sam Supervisor assigned {number} to you")

    row.get_by_role("button", name=f"Reassign {number}").click()
    dialog.get_by_label("Reassign to").select_option(label="Bob Agent")
    dialog.get_by_role("button", name="Reassign").click()
    expect(row).to_contain_text("Bob Agent")
    expect(notices).to_contain_text(f"Sam Supervisor reassigned your {number} to Bob Agent.")
    expect(bob.get_by_role("region", name="Notices")).to_contain_text(
        f"Sam Supervisor assigned {number} to you (it was with Alice Agent)."
    )
    available = page.get_by_role("region", name="Overview")
    expect(available).to_contain_text("Bob Agent")

    row.get_by_role("button", name=f"History {number}").click()
    history = page.get_by_role("dialog", name=f"Live group history of {number}")
    expect(history).to_contain_text("Alice Agent")
    expect(history.get_by_role("row", name=re.compile("Bob Agent"))).to_contain_text("reassigned")
    assert_accessible(page, "the live-group history")
    history.get_by_role("button", name="Close").click()

    page.get_by_label("Agent", exact=True).select_option(label="Bob Agent")
    expect(board.get_by_role("row", name=re.compile(number))).to_have_count(1)
    page.get_by_label("Virtual agent").select_option("yes")
    expect(board.get_by_role("row", name=re.compile(number))).to_have_count(0)
    page.get_by_label("Virtual agent").select_option("")
    page.get_by_label("Agent", exact=True).select_option("")

    row.get_by_role("button", name=f"Take over {number}").click()
    confirm = page.get_by_role("alertdialog", name=f"Take over {number}?")
    assert_accessible(page, "the take-over confirmation")
    confirm.get_by_role("button", name="Take over").click()
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(bob.get_by_role("region", name="Notices")).to_contain_text(
        f"Sam Supervisor took over {number}"
    )
    alice.context.close()
    bob.context.close()
