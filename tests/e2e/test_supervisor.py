"""A supervisor watches the floor live and takes over a virtual-agent conversation."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.pages import sign_in_as_agent
from tests.support.servers import WorkspaceServer


def _text_in(workspace: WorkspaceServer, phone: str, body: str) -> None:
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": phone, "to": "+14155550199", "body": body},
        timeout=10,
    ).raise_for_status()


def test_supervisor_sees_new_conversations_live_and_takes_one_over(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("link", name="Supervisor board").click()
    board = page.get_by_role("table", name="Active interactions")
    expect(board.get_by_role("row", name=re.compile("Alice Agent"))).not_to_have_count(0)

    _text_in(workspace, "+16175550142", "Hi, is the store open on Sunday?")
    row = board.get_by_role("row", name=re.compile("Is the store open", re.IGNORECASE))
    expect(row).to_contain_text("Virtual Agent")  # arrived live, no reload
    number = row.get_by_role("link", name=re.compile(r"^IMS\d{7}$")).inner_text()

    row.get_by_role("button", name=f"Take over {number}").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Take over").click()
    expect(page.get_by_role("heading", name=number)).to_be_visible()
    expect(page.get_by_text("Sam Supervisor").first).to_be_visible()
    page.goto(f"{workspace.url}/supervisor")
    taken = board.get_by_role("row", name=re.compile(number))
    expect(taken).to_contain_text("Sam Supervisor")


def test_agents_are_refused_on_the_supervisor_board(page: Page, workspace: WorkspaceServer) -> None:
    sign_in_as_agent(page, workspace, "alice")
    expect(page.get_by_role("link", name="Supervisor board")).to_have_count(0)
    page.goto(f"{workspace.url}/supervisor")
    expect(page.get_by_role("alert")).to_contain_text("does not have the supervisor role")
