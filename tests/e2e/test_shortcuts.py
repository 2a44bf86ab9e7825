"""Keyboard shortcuts (issue 27 item 7): from a page load one key opens the first conversation,
j and k move through the list, g then i goes back to the first; r puts the cursor in Message,
where a typed j is only a letter; s, t and e open Snooze, Transfer and Close's question (each
left with Escape, nothing changed); ? lists them all; the list's switch turns them off."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Locator, Page, Route, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import compose, messages, new_interaction, send, sign_in_as_agent
from tests.e2e.people import add_agent, fresh_mobile
from tests.e2e.test_page_load import HeldLoad
from tests.support.servers import WorkspaceServer

NUMBER = re.compile(r"IMS\d{7}")


def _heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=2, name=NUMBER)


def _number_of(row: Locator) -> str:
    found = NUMBER.search(row.inner_text())
    assert found, row.inner_text()
    return found.group()


def _opened(page: Page, row: Locator) -> None:
    """The row's conversation is open, and the keyboard's place is still on its row."""
    expect(_heading(page)).to_have_text(_number_of(row))
    expect(row).to_have_attribute("aria-current", "page")
    expect(row).to_be_focused()


def _left_with_escape(page: Page, dialog: Locator) -> None:
    expect(dialog).to_be_visible()
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)


def _unmoved(page: Page, url: str) -> None:
    """Two frames on, what a key would have done has begun (a row's click changes the URL at
    once, a dialog is drawn): the page is still at `url` with no dialog."""
    page.evaluate(
        "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )
    assert page.url == url
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_an_agent_works_the_list_from_the_keyboard(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    # A list of their own: two chats about Priya and the SMS conversations Send opened from
    # them, which open with the composer (where a click puts the cursor in Message).
    username, _ = add_agent(workspace, "Kim")
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    for text in ("Your refund is on its way.", "Your parcel left today."):
        new_interaction(page, workspace, "Priya Sharma · consumer")
        compose(page, body=text, to=fresh_mobile())
        send(page)
        expect(messages(page)).to_contain_text(text)
    page.goto(workspace.url)
    rows = page.get_by_role("list", name="My Interactions").get_by_role("link")
    expect(rows).to_have_count(4)
    expect(_heading(page)).to_have_count(0)

    page.keyboard.press("j")  # from the page load: one key opens the first row
    _opened(page, rows.nth(0))
    page.keyboard.press("j")
    _opened(page, rows.nth(1))
    page.keyboard.press("k")
    _opened(page, rows.nth(0))
    page.keyboard.press("k")  # the top of the list: it stays
    page.keyboard.press("j")
    _opened(page, rows.nth(1))
    page.keyboard.press("g")
    page.keyboard.press("i")
    _opened(page, rows.nth(0))
    number, here = _number_of(rows.nth(0)), page.url
    state = page.get_by_label("Interaction state").inner_text()
    for chord in ("Alt+j", "Control+k", "Meta+j", "Shift+J"):
        page.keyboard.press(chord)  # the browser's, the screen reader's or nobody's
    _unmoved(page, here)

    page.keyboard.press("?")
    shortcuts = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(shortcuts.get_by_role("row", name=re.compile("^j Next conversation"))).to_be_visible()
    assert_accessible(page, "the keyboard shortcuts")
    _left_with_escape(page, shortcuts)
    page.keyboard.press("s")
    _left_with_escape(page, page.get_by_role("dialog", name=f"Snooze {number}"))
    page.keyboard.press("t")
    _left_with_escape(page, page.get_by_role("dialog", name=f"Transfer {number}"))
    page.keyboard.press("e")
    question = page.get_by_role("alertdialog", name=f"Close {number}?")
    expect(question.get_by_role("button", name="Cancel")).to_be_focused()  # the safe answer
    assert_accessible(page, "Close's question")
    _left_with_escape(page, question)
    expect(page.get_by_label("Interaction state")).to_have_text(state)

    page.keyboard.press("r")
    box = page.get_by_role("region", name="Compose SMS").get_by_label("Message", exact=True)
    expect(box).to_be_focused()
    page.keyboard.type("jk")  # typing, not moving
    expect(box).to_have_value("jk")
    _unmoved(page, here)

    page.get_by_role("button", name="Keyboard shortcuts").click()
    shortcuts.get_by_label("Use single-key shortcuts").uncheck()
    _left_with_escape(page, shortcuts)
    page.get_by_role("heading", name="My Interactions").click()  # away from any field
    page.keyboard.press("j")
    page.keyboard.press("?")
    _unmoved(page, here)
    # Off, no element names a key that does nothing (aria-keyshortcuts); on again, they do.
    advertised = page.locator("[aria-keyshortcuts]")
    expect(advertised).to_have_count(0)
    page.reload()
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_be_visible()
    expect(advertised).to_have_count(0)
    page.get_by_role("button", name="Keyboard shortcuts").click()
    shortcuts.get_by_label("Use single-key shortcuts").check()
    _left_with_escape(page, shortcuts)
    expect(page.get_by_role("button", name="Keyboard shortcuts")).to_have_attribute(
        "aria-keyshortcuts", "Shift+?"
    )
    page.context.close()


def test_r_pressed_while_the_composer_loads_takes_effect_once_it_is_there(
    page: Page, workspace: WorkspaceServer
) -> None:
    # A reloaded tab shows "Loading the composer" until its load has run (test_page_load.py);
    # an r pressed meanwhile is remembered, not lost.
    username, _ = add_agent(workspace, "Rhea")
    load = HeldLoad(page)
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    expect(page.get_by_role("button", name="Compose SMS")).to_be_visible()

    load.armed = True
    page.reload()
    loading = page.get_by_role("status", name="Loading the composer")
    expect(loading).to_be_visible()
    assert load.holding
    page.keyboard.press("r")
    box = page.get_by_role("region", name="Compose SMS").get_by_label("Message", exact=True)
    expect(box).to_have_count(0)

    load.release()
    expect(box).to_be_focused()
    page.keyboard.type("hello")  # Message starts with what follows, not with the r
    expect(box).to_have_value("hello")


def _list_of(page: Page, workspace: WorkspaceServer, first: str, count: int) -> Locator:
    """A fresh agent's list of `count` phone interactions, shown with none open."""
    username, _ = add_agent(workspace, first)
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    for _ in range(count):
        new_interaction(page, workspace, "Priya Sharma · consumer")
    page.goto(workspace.url)
    rows = page.get_by_role("list", name="My Interactions").get_by_role("link")
    expect(rows).to_have_count(count)
    return rows


def test_j_then_r_at_once_reaches_message_when_the_conversation_comes(
    page: Page, workspace: WorkspaceServer
) -> None:
    # j opens the row at once (the URL changes); the conversation comes with the server's
    # answer to the page's load. An r pressed in between waits for it, as a fast typist's
    # does (seen by hand: j, r, and the cursor stayed on the row).
    load = HeldLoad(page)
    _list_of(page, workspace, "Jory", 1)
    expect(_heading(page)).to_have_count(0)

    load.hold()
    page.keyboard.press("j")
    expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    page.keyboard.press("r")
    box = page.get_by_role("region", name="Compose SMS").get_by_label("Message", exact=True)
    expect(_heading(page)).to_have_count(0)  # the conversation has not come yet

    load.release()
    expect(box).to_be_focused()
    page.keyboard.type("hello")
    expect(box).to_have_value("hello")


def test_quick_presses_of_j_each_move_one_row(page: Page, workspace: WorkspaceServer) -> None:
    # A row's click starts the router's navigation; the URL follows a moment later. A j
    # pressed in between moved from the URL's row: from a page with none open, four quick
    # presses all opened the first row (seen by hand as a j lost on the way to a row).
    rows = _list_of(page, workspace, "Quin", 4)
    for _ in range(4):
        page.keyboard.press("j")
    _opened(page, rows.nth(3))


def test_r_after_quick_js_acts_on_the_conversation_the_keys_reached(
    page: Page, workspace: WorkspaceServer
) -> None:
    # j, j, r at once: the first row's conversation comes before the second's, with its own
    # Compose SMS. The r belongs to the row the keys reached, not to the first to come.
    load = HeldLoad(page)
    rows = _list_of(page, workspace, "Rory", 2)

    load.hold()
    page.keyboard.press("j")
    page.keyboard.press("j")
    page.keyboard.press("r")
    load.release()
    box = page.get_by_role("region", name="Compose SMS").get_by_label("Message", exact=True)
    expect(_heading(page)).to_have_text(_number_of(rows.nth(1)))
    expect(box).to_be_focused()


def test_r_waits_while_the_router_still_fetches_the_conversation_page(
    page: Page, workspace: WorkspaceServer
) -> None:
    # From a fresh load of the list, the router fetches the conversation page's code before it
    # changes the URL (seen by hand: j, and an r pressed at once, found the URL still "/").
    username, _ = add_agent(workspace, "Remy")
    sign_in_as_agent(page, workspace, username, f"{username}-pass-phrase")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    held: list[Route] = []

    def hold(route: Route) -> None:
        if armed:
            held.append(route)  # continued below, after the keys
        else:
            route.continue_()

    armed = False
    page.route(re.compile(r"/assets/.+\.js$"), hold)  # also past the HTTP cache
    page.goto(workspace.url)
    rows = page.get_by_role("list", name="My Interactions").get_by_role("link")
    expect(rows).to_have_count(1)
    armed = True  # the conversation page's code is not in this page yet
    page.keyboard.press("j")
    page.keyboard.press("r")
    assert page.url.rstrip("/") == workspace.url.rstrip("/"), "the URL changed before r"
    armed = False
    for route in held:
        route.continue_()
    box = page.get_by_role("region", name="Compose SMS").get_by_label("Message", exact=True)
    expect(_heading(page)).to_have_text(_number_of(rows.nth(0)))
    expect(box).to_be_focused()
