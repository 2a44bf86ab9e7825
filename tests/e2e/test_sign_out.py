"""Signing out ends a tab's live feeds: no conversation, list or board reaches it afterwards,
nor a tab whose session was ended elsewhere, nor a tab now signed in as someone not allowed."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.pages import Frames, messages, sign_in, sign_in_as_agent, the_list
from tests.support.servers import WorkspaceServer

MARIA = "+14155550123"
SUPPORT = "+14155550100"


def _text_in(workspace: WorkspaceServer, phone: str, body: str, to: str = SUPPORT) -> None:
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": phone, "to": to, "body": body},
        timeout=10,
    ).raise_for_status()


def _open_marias(page: Page, workspace: WorkspaceServer) -> None:
    """IMS0001001, the demo's messaging interaction with Maria (the first one created)."""
    page.goto(f"{workspace.url}/interactions/1")
    expect(page.get_by_role("heading", name="IMS0001001")).to_be_visible()


def _later_text_seen(shown_in: Locator, workspace: WorkspaceServer) -> None:
    """Texts Maria again and waits for a tab that must get it to show it in `shown_in`. The notifier
    pushes round by round, in order, and a socket delivers in order: once this later text is
    shown, whatever an earlier round sent to any tab has been sent."""
    later = f"Later {uuid.uuid4().hex[:8]}"
    _text_in(workspace, MARIA, later)
    expect(shown_in.get_by_text(later).first).to_be_visible(timeout=10_000)


def _own_round_trip(page: Page) -> None:
    """An empty sign-in on the signed-out tab, answered on its own socket: once the answer is
    shown, every frame the server had sent that tab before has been received."""
    alert = page.get_by_role("alert")
    expect(page.get_by_label("Username")).to_be_visible()
    expect(alert).to_have_count(0)
    page.get_by_role("button", name="Sign in").click()
    expect(alert).to_contain_text("Enter your username and password.")


def _viewer(browser: Browser, workspace: WorkspaceServer, user: str) -> Page:
    """Another agent with IMS0001001 open, who must still get the push."""
    page = browser.new_context().new_page()
    sign_in_as_agent(page, workspace, user)
    _open_marias(page, workspace)
    return page


def test_a_signed_out_tab_receives_no_more_conversation_or_list_pushes(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    page = browser.new_context().new_page()
    frames = Frames(page)
    sign_in_as_agent(page, workspace, "alice")
    _open_marias(page, workspace)
    bob = _viewer(browser, workspace, "bob")

    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("Username")).to_be_visible()
    frames.received.clear()
    secret = f"After sign-out {uuid.uuid4().hex}"
    _text_in(workspace, MARIA, secret)

    expect(messages(bob).get_by_text(secret)).to_be_visible(timeout=10_000)
    _later_text_seen(messages(bob), workspace)
    _own_round_trip(page)
    assert not frames.mention(secret)
    assert not frames.mention("IMS0001001")


def test_a_tab_whose_session_ended_in_another_tab_receives_no_more_pushes(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    context = browser.new_context()  # two tabs sharing the session, as a browser would
    first, second = context.new_page(), context.new_page()
    sign_in_as_agent(first, workspace, "alice")
    frames = Frames(second)
    _open_marias(second, workspace)
    bob = _viewer(browser, workspace, "bob")

    first.get_by_role("button", name="Sign out").click()
    expect(first.get_by_label("Username")).to_be_visible()
    secret = f"After the other tab signed out {uuid.uuid4().hex}"
    _text_in(workspace, MARIA, secret)

    expect(messages(bob).get_by_text(secret)).to_be_visible(timeout=10_000)
    _later_text_seen(messages(bob), workspace)
    _own_round_trip(second)  # the ended session's tab was sent to the sign-in page
    assert not frames.mention(secret)


def test_a_tab_signed_in_again_as_an_agent_receives_no_supervisor_board(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    page = browser.new_context().new_page()
    frames = Frames(page)
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("link", name="Supervisor board").click()
    expect(page.get_by_role("table", name="Active interactions")).to_be_visible()
    watcher = browser.new_context().new_page()
    sign_in_as_agent(watcher, workspace, "sam")
    watcher.get_by_role("link", name="Supervisor board").click()

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, workspace, "alice", "alice-demo-pass")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()
    secret = f"For the board only {uuid.uuid4().hex[:8]}"
    _text_in(workspace, "+16175550177", secret)

    board = watcher.get_by_role("table", name="Active interactions")
    expect(board.get_by_role("row", name=re.compile(secret))).to_be_visible(timeout=10_000)
    _later_text_seen(the_list(page), workspace)  # Maria's conversation is Alice's
    assert not frames.mention(secret)
