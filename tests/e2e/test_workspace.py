"""The one-page workspace as an agent uses it all day: reply with Enter, notice new messages,
search and filter, pick up from the queue, hand-over context, a Send that changes someone else's
work, notes and canned replies, keyboard only, a narrow screen, and axe on every view."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.axe import assert_accessible
from tests.e2e.pages import (
    compose,
    messages,
    new_interaction,
    open_interaction,
    open_interaction_of,
    row_of,
    send,
    sign_in,
    sign_in_as_agent,
)
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

SUPPORT = "+14155550100"


def _text_in(workspace: WorkspaceServer, phone: str, body: str) -> None:
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": phone, "to": SUPPORT, "body": body},
        timeout=10,
    ).raise_for_status()


def _sent_bodies(workspace: WorkspaceServer) -> list[str]:
    found = httpx.get(f"{workspace.simulator_url}/_sim/messages", timeout=10).json()["messages"]
    return [m.get("body") or "" for m in found]


def _unread_in_title(page: Page) -> int:
    """The unread count the tab's title shows ("(3) Agent Workspace"), 0 when none."""
    found = re.match(r"^\((\d+)\) ", page.title())
    return int(found.group(1)) if found else 0


def _unread_in_rows(page: Page) -> int:
    """The unread counts the list's rows show, added up."""
    labels = page.get_by_label(re.compile(r"^\d+ unread$")).all()
    return sum(int((label.get_attribute("aria-label") or "0").split()[0]) for label in labels)


def _bob_writes_to_priya(page: Page, workspace: WorkspaceServer, body: str) -> tuple[str, str]:
    """Bob signs in and texts Priya at a fresh number; returns the number and the
    interaction's."""
    sign_in_as_agent(page, workspace, "bob")
    phone = f"+1415555{uuid.uuid4().int % 9000 + 1000}"
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body=body, to=phone)
    send(page)
    expect(messages(page)).to_contain_text(body)
    return phone, page.get_by_role("heading", level=2, name=re.compile(r"^IMS")).inner_text()


def _composer(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Compose SMS")


def test_enter_sends_shift_enter_adds_a_line_and_focus_stays_in_message(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "alice")
    page.evaluate("window.__noReload = true")
    open_interaction_of(page, "Maria Garcia")
    box = _composer(page).get_by_label("Message", exact=True)
    expect(box).to_be_focused()  # the reply box is open and ready
    expect(_composer(page)).to_contain_text("From Support line (+1 415-555-0100)")
    box.type("First line")
    box.press("Shift+Enter")
    box.type("second line")
    box.press("Enter")
    bubble = messages(page).get_by_role("listitem").filter(has_text="second line")
    expect(bubble).to_contain_text("First line")
    expect(box).to_have_value("")
    expect(box).to_be_focused()
    assert page.evaluate("window.__noReload") is True  # opened without a page load
    assert_accessible(page, "a conversation with its reply box")


def test_a_text_into_the_conversation_the_agent_looks_at_is_read_at_once(
    page: Page, workspace: WorkspaceServer
) -> None:
    """No unread badge for what is on screen, and the mark is stored: a reload shows none
    either. (The title counts every interaction of the agent, which other tests text too.)"""
    phone, number = _bob_writes_to_priya(page, workspace, "Hello Priya, one more thing.")

    _text_in(workspace, phone, "Yes, go ahead")
    expect(messages(page)).to_contain_text("Yes, go ahead")
    row = row_of(page, "Priya Sharma", number)
    expect(row).to_contain_text("Yes, go ahead")
    expect(row.get_by_label("1 unread")).to_have_count(0)
    page.reload()
    expect(row_of(page, "Priya Sharma", number)).to_contain_text("Yes, go ahead")
    expect(row_of(page, "Priya Sharma", number).get_by_label("1 unread")).to_have_count(0)


def test_a_reply_elsewhere_raises_the_unread_count_a_toast_and_the_title(
    page: Page, workspace: WorkspaceServer
) -> None:
    phone, number = _bob_writes_to_priya(page, workspace, "Hello Priya, a quick question.")
    open_interaction_of(page, "Maria Garcia")  # another one in view now
    # Opening Maria's marks her texts seen: the title drops once that push is in. Read before
    # it, the count was the old one (5 where 1 was meant).
    maria = row_of(page, "Maria Garcia").first
    expect(maria.get_by_label(re.compile(r"\d+ unread"))).to_have_count(0)
    wait_until(
        lambda: _unread_in_title(page) == _unread_in_rows(page),
        what="the title to count what the list shows unread",
    )
    before = _unread_in_title(page)

    _text_in(workspace, phone, "Sure, what is it?\nI am free now")
    row = row_of(page, "Priya Sharma", number)
    toast = page.locator("[data-sonner-toast]").filter(has_text="Priya Sharma: Sure, what is it?")
    expect(toast).to_be_visible()  # first: it stays 15 s, the list and title may take a while
    expect(row.get_by_label("1 unread")).to_be_visible(timeout=10_000)
    expect(row).to_contain_text("Sure, what is it?")
    expect(page).to_have_title(f"({before + 1}) Agent Workspace")
    toast.get_by_role("button", name="Open").click()
    expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    expect(page.get_by_role("heading", level=2, name=number)).to_be_visible()
    expect(row.get_by_label("1 unread")).to_have_count(0)  # seen now
    expect(page).to_have_title(f"({before}) Agent Workspace" if before else "Agent Workspace")


def test_search_filters_and_picking_up_from_the_virtual_agents_queue(
    page: Page, workspace: WorkspaceServer
) -> None:
    stranger = f"+1617555{uuid.uuid4().int % 9000 + 1000}"
    _text_in(workspace, stranger, "Do you ship to Canada?")
    sign_in_as_agent(page, workspace, "alice")
    search = page.get_by_label("Search interactions")
    search.fill("maria")
    mine = page.get_by_role("list", name="My Interactions")
    expect(mine).to_contain_text("Maria Garcia")
    expect(mine.get_by_role("link").filter(has_not_text="Maria Garcia")).to_have_count(0)
    search.fill("")
    page.get_by_label("Show").select_option("virtual_agent")
    queue = page.get_by_role("list", name="Virtual agent")
    waiting = queue.get_by_role("link").filter(has_text="Do you ship to Canada?")
    expect(waiting).to_be_visible()
    page.get_by_label("Type").select_option("phone")
    expect(waiting).to_have_count(0)
    page.get_by_label("Type").select_option("any")
    waiting.click()
    assert_accessible(page, "an interaction waiting with the virtual agent")
    page.get_by_role("button", name="Pick up").click()
    expect(page.get_by_label("Interaction state")).to_have_text("work in progress")
    expect(waiting).to_have_count(0)  # it left the queue, live
    page.get_by_label("Show").select_option("mine")
    expect(
        page.get_by_role("list", name="My Interactions").filter(has_text="Do you ship to Canada?")
    ).to_be_visible()


def test_the_interaction_a_hand_over_opens_shows_what_came_before(
    page: Page, workspace: WorkspaceServer
) -> None:
    stranger = f"+1617555{uuid.uuid4().int % 9000 + 1000}"
    _text_in(workspace, stranger, "My order 7781 never arrived")
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_label("Show").select_option("virtual_agent")
    page.get_by_role("list", name="Virtual agent").get_by_role("link").filter(
        has_text="order 7781"
    ).click()
    composer = _composer(page)
    expect(composer).to_contain_text("Send will close virtual-agent interaction")
    composer.get_by_label("Message", exact=True).fill("Sam here, let me check order 7781.")
    send(page)  # workflow 3: no confirmation for the virtual agent's interaction
    earlier = page.get_by_text(re.compile(r"^Earlier conversation IMS\d{7}$"))
    expect(earlier).to_be_visible()
    earlier.click()
    expect(page.get_by_role("list", name="Earlier conversation")).to_contain_text(
        "My order 7781 never arrived"
    )
    expect(messages(page)).to_contain_text("let me check order 7781")


def test_notes_are_never_sent_and_canned_replies_fill_their_placeholders(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "alice")
    open_interaction_of(page, "Maria Garcia")
    composer = _composer(page)
    composer.get_by_role("radio", name="Internal note").click()
    note = f"Customer is a VIP {uuid.uuid4().hex[:6]}"
    composer.get_by_label("Message", exact=True).fill(note)
    composer.get_by_role("button", name="Add note").click()
    bubble = messages(page).get_by_test_id("note-message").filter(has_text=note)
    expect(bubble).to_contain_text("Internal note · Alice Agent")
    assert note not in _sent_bodies(workspace)

    composer.get_by_role("radio", name="SMS").click()
    box = composer.get_by_label("Message", exact=True)
    box.fill("/hello")
    replies = composer.get_by_role("list", name="Canned replies")
    replies.get_by_role("button", name=re.compile("Hello and who I am")).click()
    expect(box).to_have_value("Hi Maria, this is Alice Agent from customer support.")
    assert_accessible(page, "the composer after choosing a canned reply")
    box.press("Enter")
    expect(messages(page)).to_contain_text("Hi Maria, this is Alice Agent from customer support.")


def test_a_keyboard_only_agent_signs_in_opens_replies_and_sends(
    page: Page, workspace: WorkspaceServer
) -> None:
    def tab_to(predicate: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate(f"() => {{ const e = document.activeElement; return {predicate}; }}"):
                return
        raise AssertionError(f"Tab never reached {predicate}")

    page.goto(f"{workspace.url}/login")
    tab_to("e && e.id === 'username'")
    page.keyboard.type("bob")
    page.keyboard.press("Tab")
    page.keyboard.type("bob-demo-pass")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="My Interactions")).to_be_visible()
    tab_to("e && e.tagName === 'A' && /IMS\\d{7}/.test(e.textContent)")
    page.keyboard.press("Enter")
    box = _composer(page).get_by_label("Message", exact=True)
    compose_sms = page.get_by_role("button", name="Compose SMS")
    expect(box.or_(compose_sms)).to_be_visible()  # once the interaction has loaded
    if compose_sms.is_visible():  # an interaction without messages: open the composer
        compose_sms.focus()
        page.keyboard.press("Enter")
    expect(box).to_be_focused()
    text = f"Typed without a mouse {uuid.uuid4().hex[:6]}"
    page.keyboard.type(text)
    page.keyboard.press("Enter")
    expect(messages(page)).to_contain_text(text)
    expect(box).to_be_focused()


def test_on_a_narrow_screen_one_pane_shows_at_a_time(
    browser: Browser, workspace: WorkspaceServer
) -> None:
    page = browser.new_page(viewport={"width": 420, "height": 800})
    sign_in_as_agent(page, workspace, "alice")
    open_interaction_of(page, "Maria Garcia")
    expect(page.get_by_role("list", name="My Interactions")).to_be_hidden()
    expect(messages(page)).to_be_visible()
    page.get_by_role("button", name="Details").click()
    expect(page.get_by_role("heading", name="Details")).to_be_visible()
    expect(messages(page)).to_be_hidden()
    assert_accessible(page, "the Details pane on a narrow screen")
    page.get_by_role("button", name="Back to conversation").click()
    expect(messages(page)).to_be_visible()
    page.get_by_role("button", name="Back to list").click()
    expect(page.get_by_role("list", name="My Interactions")).to_be_visible()
    page.close()


def test_a_send_that_takes_someone_elses_conversation_asks_first_and_tells_them(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    phone = f"+1415555{uuid.uuid4().int % 9000 + 1000}"
    shown = f"+1 415-555-{phone[-4:]}"
    sign_in_as_agent(page, workspace, "alice")
    new_interaction(page, workspace, "Priya Sharma · consumer")
    compose(page, body="Hi Priya, about your delivery.", to=phone)
    send(page)
    expect(messages(page)).to_contain_text("about your delivery")
    alices = page.get_by_role("heading", level=2, name=re.compile(r"^IMS")).inner_text()

    bob = browser.new_context().new_page()
    sign_in_as_agent(bob, workspace, "bob")
    new_interaction(bob, workspace, "Liam Wilson · consumer")
    compose(bob, body="Liam, this is your new number on file?", to=phone)
    send(bob)
    question = bob.get_by_role("alertdialog", name="Confirm Send")
    expect(question).to_contain_text(f"close {alices} (held by Alice Agent)")
    expect(question).to_contain_text(f"move {shown} from Priya Sharma to Liam Wilson")
    assert_accessible(bob, "the confirmation before a Send that closes another agent's work")
    question.get_by_role("button", name="Send anyway").click()
    expect(messages(bob)).to_contain_text("new number on file")
    bobs = bob.get_by_role("heading", level=2, name=re.compile(r"^IMS")).inner_text()

    notice = page.get_by_role("region", name="Notices")
    expect(notice).to_contain_text(
        f"Bob Agent texted {phone} and closed your {alices}; the conversation continues in {bobs}."
    )
    expect(page.get_by_label("Interaction state")).to_have_text("closed complete")
    mine = notice.get_by_role("note").filter(has_text=f"closed your {alices}")
    mine.get_by_role("button", name="Dismiss notice").click()
    expect(mine).to_have_count(0)
    bob.context.close()


def test_every_workspace_view_passes_axe(page: Page, workspace: WorkspaceServer) -> None:
    page.goto(f"{workspace.url}/login")
    assert_accessible(page, "the sign-in page")
    sign_in(page, workspace, "alice", "not-her-password")
    expect(page.get_by_role("alert")).to_be_visible()
    assert_accessible(page, "the sign-in page with an error")
    sign_in_as_agent(page, workspace, "alice")
    assert_accessible(page, "My Interactions with nothing open")
    open_interaction(page, workspace, 1)
    assert_accessible(page, "an open conversation")
    composer = _composer(page)
    composer.get_by_role("button", name="Change From or To").click()
    composer.get_by_label("To", exact=True).select_option("other")
    composer.get_by_label("Other number").fill("+44 20 7946 0958")
    expect(composer.get_by_label("Other number")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page, "the composer with an invalid Other number")
    page.get_by_role("button", name="New").click()
    assert_accessible(page, "the New interaction dialog")
