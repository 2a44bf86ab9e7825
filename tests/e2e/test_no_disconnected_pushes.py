"""Normal operation sends nothing to a tab that is gone: texts keep arriving for a conversation
whose tab was closed (its session still shows it), and the server never logs Reflex's
"Attempting to send delta to disconnected client"."""

from __future__ import annotations

import asyncio
import re
import secrets
import threading

import httpx
from playwright.sync_api import Browser, expect

from agent_workspace.domain.segments import count_segments
from benchmarks import wsclient
from tests.e2e.pages import Frames
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

WAIT_S = 20  # a bound on a wait, not a speed figure
WARNING = "disconnected client"
_LIST_VERSION = re.compile(r'agent_list_feed":\{"version_rx_state_":(\d+)')


def _text(workspace: WorkspaceServer, body: str) -> None:
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": "+14155550123", "to": "+14155550100", "body": body},
        timeout=WAIT_S,
    ).raise_for_status()


async def _bob_sees(workspace: WorkspaceServer, bodies: list[str]) -> bool:
    """A tab of another agent on the same conversation: proof that the texts were pushed."""
    async with wsclient.http_session() as http:
        tab = wsclient.AgentTab(workspace.url, http, timeout=WAIT_S)
        try:
            await tab.sign_in("sam", "sam-demo-pass")
            await tab.open("/interactions/1")
            arrived = [tab.expect(f'"body":"{body}"') for body in bodies]
            for body in bodies:
                await asyncio.to_thread(_text, workspace, body)
            done, _ = await asyncio.wait(arrived, timeout=WAIT_S)
            return len(done) == len(arrived)
        finally:
            await tab.close()


def _in_own_thread(workspace: WorkspaceServer, bodies: list[str]) -> bool:
    """Playwright's sync fixtures leave a loop in the main thread: run ours on another."""
    result: list[bool] = []
    thread = threading.Thread(
        target=lambda: result.append(asyncio.run(_bob_sees(workspace, bodies)))
    )
    thread.start()
    thread.join(timeout=WAIT_S * 3)
    return result == [True]


def _list_reaction_sent(frames: Frames, pushed: int) -> bool:
    """The page has asked for the rows of the list version pushed with the text."""
    versions = [int(v) for f in frames.received[pushed:] for v in re.findall(_LIST_VERSION, f)]
    asked = f'"feed":"agent","version":{max(versions, default=-1)}}}'
    return bool(versions) and any(asked in frame for frame in frames.sent)


def test_texts_for_a_closed_tab_are_never_sent_to_it(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    start = workspace.log_path.stat().st_size
    context = browser.new_context()
    page = context.new_page()
    frames = Frames(page)
    page.goto(f"{workspace.url}/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("alice-demo-pass")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="IMS0001001").first.click()
    first = f"while open {secrets.token_hex(3)}"
    pushed = len(frames.received)
    _text(workspace, first)
    expect(page.get_by_role("list", name="Messages").get_by_text(first)).to_be_visible()
    # Let the page's own reaction to that text be answered: a tab closed while its own event
    # is answered is the one case Reflex may warn about, and not this one. The list's push
    # makes the page ask for its rows; then a later event of its own (typing in Message) is
    # answered after it, as the server takes one tab's events in order.
    wait_until(
        lambda: _list_reaction_sent(frames, pushed),
        step=page.title,  # a call into Playwright delivers the frame events that came meanwhile
        what="the list's reaction",
    )
    typed = "ok"
    page.get_by_label("Message", exact=True).fill(typed)
    left = count_segments(typed).chars_left
    expect(page.locator("#compose-counter")).to_contain_text(f"{left} characters left")
    context.close()  # the tab is gone; alice's session still shows the conversation

    later = [f"after close {n} {secrets.token_hex(3)}" for n in range(3)]
    assert _in_own_thread(workspace, later)
    with workspace.log_path.open("rb") as log:
        log.seek(start)
        written = log.read().decode(errors="replace")
    assert WARNING not in written, [line for line in written.splitlines() if WARNING in line]
