"""Day one at the desk (item 10): notices and toasts never take Send away. Several notices
stack in a compact strip that leaves the composer on screen at 1440x900 and on a phone; they
are dismissed one by one or all at once, and opening what one is about reads it; a toast's box
never meets the composer's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, FloatRect, Locator, Page, expect

from tests.e2e.pages import compose, new_interaction, send, sign_in_as_agent
from tests.e2e.people import add_agent, fresh_mobile, leave_notices
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

SIZES = [pytest.param((1440, 900), id="desktop"), pytest.param((390, 844), id="phone")]


def _box(locator: Locator) -> FloatRect:
    box = locator.bounding_box()
    assert box is not None, f"{locator} has no box"
    return box


def _meet(a: FloatRect, b: FloatRect) -> bool:
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )


def _assert_send_on_screen(page: Page, *, scrolled: bool = False) -> None:
    """Send lies inside the viewport and nothing covers its middle; `scrolled`: once the pane
    is scrolled to it (a phone shows the whole composer under the conversation)."""
    viewport = page.viewport_size
    assert viewport is not None
    button = page.get_by_role("region", name="Compose SMS").get_by_role("button", name="Send")
    expect(button).to_be_visible()

    def in_view() -> bool:
        # The composer may still grow under the scroll (the checks of what was just typed
        # arrive from the server and push Send down): scrolled again until it stays in view,
        # to the middle of the pane (at its edge the page's sticky parts may lie over it).
        if scrolled:
            button.evaluate("b => b.scrollIntoView({block: 'center'})")
        box = _box(button)
        return box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"] and on_top()

    def on_top() -> bool:
        return bool(
            button.evaluate(
                """b => { const r = b.getBoundingClientRect();
                  const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
                  return b.contains(e); }"""
            )
        )

    if scrolled:
        wait_until(in_view, timeout=15, what="Send scrolled into view")
    box = _box(button)
    assert box["y"] >= 0 and box["y"] + box["height"] <= viewport["height"], (box, viewport)
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], (box, viewport)
    assert on_top(), "something covers Send"


def _open_a_conversation(page: Page, workspace: WorkspaceServer, username: str) -> None:
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="", to=fresh_mobile())


@pytest.mark.parametrize("size", SIZES)
def test_several_notices_leave_send_on_screen_and_go_when_read(
    browser: Browser, workspace: WorkspaceServer, size: tuple[int, int]
) -> None:
    username, agent_id = add_agent(workspace, "Nell")
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    _open_a_conversation(page, workspace, username)
    leave_notices(
        workspace,
        agent_id,
        *[
            f"Sam Supervisor assigned IMS99000{i:02d} to you (it was with Bob Agent)."
            for i in range(6)
        ],
    )
    page.reload()
    notices = page.get_by_role("region", name="Notices")
    expect(notices.get_by_role("note")).to_have_count(6)
    compose(page, body="Still here?", to=fresh_mobile())
    strip = _box(notices)
    assert strip["height"] <= size[1] / 4, f"notices take {strip['height']}px of {size[1]}"
    # At 1440x900 Send stays in view; a phone's composer, From, To and Other open, is taller
    # than what the screen has under the header, so there it is reached by scrolling, and then
    # neither the notices nor anything else covers it.
    _assert_send_on_screen(page, scrolled=size[0] < 800)

    notices.get_by_role("note").first.get_by_role("button", name="Dismiss notice").click()
    expect(notices.get_by_role("note")).to_have_count(5)
    notices.get_by_role("button", name="Dismiss all notices").click()
    expect(notices).to_have_count(0)
    page.reload()  # read is stored, not hidden in this tab only
    expect(
        page.get_by_role("region", name="Compose SMS")
        .or_(page.get_by_role("button", name="Compose SMS"))
        .first
    ).to_be_visible()
    expect(page.get_by_role("region", name="Notices")).to_have_count(0)
    page.close()


def test_opening_what_a_notice_is_about_reads_it(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    username, agent_id = add_agent(workspace, "Olga")
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    _open_a_conversation(page, workspace, username)
    interaction_id = int(page.url.rsplit("/", 1)[1])
    leave_notices(workspace, agent_id, "Sam Supervisor took over IMS9900100; it is theirs now.")
    leave_notices(
        workspace,
        agent_id,
        "Sam Supervisor assigned this one to you.",
        interaction_id=interaction_id,
    )
    page.goto(workspace.url)
    notices = page.get_by_role("region", name="Notices")
    about = notices.get_by_role("note").filter(has_text="assigned this one to you")
    about.get_by_role("link", name="Open").click()
    expect(page).to_have_url(f"{workspace.url}/interactions/{interaction_id}")
    expect(about).to_have_count(0)
    expect(notices.get_by_role("note")).to_have_count(1)  # the other one waits
    page.close()


@pytest.mark.parametrize("size", SIZES)
def test_a_toast_never_covers_the_composer(
    browser: Browser, workspace: WorkspaceServer, size: tuple[int, int]
) -> None:
    username, _ = add_agent(workspace, "Tara")
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    _open_a_conversation(page, workspace, username)
    compose(page, body="Hello from the new desk.", to=fresh_mobile())
    send(page)
    toast = page.locator("[data-sonner-toast]").filter(has_text="Queued in")
    expect(toast).to_be_visible()
    page.evaluate(
        "async () => { await Promise.all(document.getAnimations().map(a => a.finished)); }"
    )
    composer = _box(page.get_by_role("region", name="Compose SMS"))
    assert not _meet(_box(toast), composer), (_box(toast), composer)
    _assert_send_on_screen(page)
    toast.get_by_role("button", name="Close toast").click()
    expect(toast).to_have_count(0)
    page.close()
