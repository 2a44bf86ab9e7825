"""Whole journeys: compose and send, delivery status and replies arriving live, opt-out."""

from __future__ import annotations

import base64
import re

import httpx
from playwright.sync_api import Browser, FilePayload, FloatRect, Page, expect

from tests.e2e.pages import (
    compose,
    messages,
    new_interaction,
    open_interaction_of,
    row_of,
    send,
    sign_in_as_agent,
)
from tests.support.servers import WorkspaceServer

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAcCBlCwAAAABJRU5ErkJggg=="
)


GAP_TO_BOTTOM = """() => {
  const el = document.getElementById("messages-scroller");
  return el.scrollHeight - el.scrollTop - el.clientHeight;
}"""


def reply_from_phone(page: Page, workspace: WorkspaceServer, phone: str, body: str) -> None:
    """The consumer answers on the simulator's phone page."""
    page.goto(f"{workspace.simulator_url}/phone/{phone}")
    page.get_by_label("Message").fill(body)
    page.get_by_role("button", name="Send").click()  # the simulator's phone page


def test_row1_send_opens_a_messaging_interaction_and_shows_delivery_then_the_reply_live(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Liam Wilson")
    compose(page, body="Hello Liam, about your warranty.")
    expect(page.get_by_role("status").filter(has_text="Send will")).to_contain_text(
        "open a new interaction."
    )
    send(page)

    expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    toast = page.locator("[data-sonner-toast]").filter(has_text="Queued in")
    expect(toast).to_be_visible()
    send_button = page.get_by_role("button", name="Send")
    assert not _overlap(toast.bounding_box(), send_button.bounding_box())
    outbound = messages(page).get_by_role("listitem").filter(has_text="about your warranty")
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    expect(page.get_by_label("Interaction state")).to_have_text("work in progress")

    phone = browser.new_page()
    reply_from_phone(phone, workspace, "+61412345678", "Thanks, the warranty number is W-123.")
    inbound = messages(page).get_by_role("listitem").filter(has_text="W-123")
    expect(inbound).to_be_visible(timeout=10_000)  # no reload: pushed to the open page
    phone.close()


def test_other_number_is_converted_to_e164_as_typed_and_landlines_are_refused(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Carlos Garcia")
    compose(page, body="hi", to="(415) 555-0123")
    expect(page.get_by_label("Number in E.164")).to_contain_text("+14155550123")
    page.get_by_label("Other number").fill("+44 20 7946 0958")
    expect(page.get_by_role("alert")).to_contain_text("landline")


def test_a_number_typed_into_other_key_by_key_is_decided_once(
    page: Page, workspace: WorkspaceServer
) -> None:
    """Other reports what was typed once the agent pauses (components/composer.py
    OTHER_PAUSE_MS): ten keystrokes reach the server as one change, and the preview's routing
    decision runs once per change (tests/integration/state/test_send_walk.py), not per key."""
    changes: list[str] = []
    page.on(
        "websocket",
        lambda socket: socket.on(
            "framesent",
            lambda frame: changes.append(str(frame)) if "set_other_text" in str(frame) else None,
        ),
    )
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Carlos Garcia")
    compose(page, body="hi")
    composer = page.get_by_role("region", name="Compose SMS")
    composer.get_by_label("To", exact=True).select_option("other")

    composer.get_by_label("Other number").press_sequentially("4155550177")

    expect(composer.get_by_label("Number in E.164")).to_contain_text("+14155550177")
    expect(composer.get_by_role("status").filter(has_text="Send will")).to_be_visible()
    assert len(changes) == 1, changes


def test_row3_sending_to_a_virtual_agent_conversation_closes_it_and_picture_is_delivered(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace)
    open_interaction_of(page, "Oliver Smith")
    compose(page, body="Your parcel is on its way, here is the label.")
    expect(page.get_by_role("status").filter(has_text="Send will")).to_contain_text(
        "Send will close virtual-agent interaction IMS0001002"
    )
    page.locator("#compose_files input[type=file]").set_input_files(
        files=[FilePayload(name="label.png", mimeType="image/png", buffer=PNG)]
    )
    expect(page.get_by_label("Attached files")).to_contain_text("label.png")
    send(page)
    outbound = messages(page).get_by_role("listitem").filter(has_text="on its way")
    expect(outbound.get_by_role("img", name="label.png")).to_be_visible(timeout=10_000)
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    sim = httpx.get(f"{workspace.simulator_url}/_sim/messages").json()
    sent = [m for m in sim["messages"] if "on its way" in (m.get("body") or "")]
    assert len(sent) == 1
    assert sent[0]["to"] == "+447400123456"


def test_stop_opts_the_number_out_and_the_workspace_refuses_until_start(
    page: Page, browser: Browser, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "bob")
    open_interaction_of(page, "John Doe")
    compose(page, body="Welcome to Globex onboarding!")
    send(page)
    outbound = messages(page).get_by_role("listitem").filter(has_text="Globex onboarding")
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)

    phone = browser.new_page()
    reply_from_phone(phone, workspace, "+12025550143", "STOP")
    stopped = page.get_by_role("status").filter(has_text="This number has opted out")
    expect(stopped).to_be_visible(timeout=10_000)
    # The channel's STOP policy (on by default): every number of the channel is stopped, and
    # the header and the person panel's badge list them all.
    expect(stopped).to_contain_text("Support line")
    expect(stopped).to_contain_text("Billing line")
    expect(page.get_by_text("Opted out of Billing line, Support line")).to_be_visible()
    compose(page, body="Are you still there?")
    send(page)
    expect(page.get_by_role("alert")).to_contain_text("opted out")

    reply_from_phone(phone, workspace, "+12025550143", "START")
    expect(page.get_by_role("status").filter(has_text="This number has opted out")).to_have_count(
        0, timeout=10_000
    )
    # The refusal of the Send tried while opted out describes the past now: it goes too.
    expect(page.get_by_role("alert").filter(has_text="opted out")).to_have_count(0)
    # The person panel keeps both, newest first, with what the consumer texted.
    history = page.get_by_role("list", name="Consent history").get_by_role("listitem")
    expect(history.first).to_contain_text("Opted in to Support line")
    expect(history.first).to_contain_text('Texted "START"')
    expect(history.nth(1)).to_contain_text('Texted "STOP"')
    phone.close()


def test_row2_second_agent_joins_the_live_group_and_a_double_click_sends_once(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "bob")
    open_interaction_of(page, "Maria Garcia")
    compose(page, body="Bob here, I'm helping Alice with your refund.")
    expect(page.get_by_role("status").filter(has_text="Send will")).to_contain_text(
        "Send will add the message to interaction IMS0001001 and join its live group."
    )
    page.get_by_role("button", name="Send").dblclick()

    expect(page.get_by_role("heading", name="IMS0001001")).to_be_visible()
    expect(page.get_by_label("Live group")).to_have_text("Alice Agent, Bob Agent")
    outbound = messages(page).get_by_role("listitem").filter(has_text="helping Alice")
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    expect(outbound).to_have_count(1)
    sim = httpx.get(f"{workspace.simulator_url}/_sim/messages").json()
    assert [m["to"] for m in sim["messages"] if "helping Alice" in (m.get("body") or "")] == [
        "+14155550123"
    ]


def test_a_provider_refusal_is_shown_in_words_on_the_message(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    new_interaction(page, workspace, "Ana Souza · Initech")
    compose(page, body="Testing the landline on file.", to="+1 201 555 0105")  # simulator: 21614
    send(page)
    outbound = messages(page).get_by_role("listitem").filter(has_text="landline on file")
    expect(outbound.get_by_label("Delivery status")).to_have_text("Failed", timeout=15_000)
    expect(outbound.get_by_role("note")).to_contain_text("not a mobile number")


def test_a_burst_of_replies_larger_than_the_live_tail_still_shows_every_message(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    new_interaction(page, workspace, "Hans Müller · consumer")
    compose(page, body="Hallo Hans, how can we help?")
    send(page)
    expect(messages(page).get_by_role("listitem").filter(has_text="Hallo Hans")).to_be_visible()

    def reply(n: int) -> None:
        response = httpx.post(
            f"{workspace.simulator_url}/_sim/inbound",
            json={"from": "+4915123456789", "to": "+14155550100", "body": f"burst {n:02d}"},
            timeout=10,
        )
        response.raise_for_status()

    for n in range(1, 16):
        reply(n)
    expect(messages(page).get_by_role("listitem").filter(has_text="burst 15")).to_be_visible()
    for n in range(16, 31):  # more than the live feed carries since the page opened
        reply(n)
    expect(messages(page).get_by_role("listitem").filter(has_text="burst 30")).to_be_visible()
    expect(messages(page).get_by_role("listitem")).to_have_count(31)
    for body in ["Hallo Hans", *(f"burst {n:02d}" for n in range(1, 31))]:
        expect(messages(page).get_by_role("listitem").filter(has_text=body)).to_have_count(1)
    # The agent never scrolled: the conversation followed every message to the last.
    new_messages = page.get_by_role("button", name="New messages ↓")
    expect(new_messages).to_be_hidden()
    assert page.evaluate(GAP_TO_BOTTOM) < 48
    # Scrolled up to read, they stay where they are and are told something new came.
    page.get_by_role("region", name="Conversation").hover()
    page.mouse.wheel(0, -600)
    page.wait_for_function(f"() => ({GAP_TO_BOTTOM})() > 300")
    reply(31)
    expect(messages(page).get_by_role("listitem").filter(has_text="burst 31")).to_be_attached()
    expect(new_messages).to_be_visible()
    assert page.evaluate(GAP_TO_BOTTOM) > 300
    new_messages.click()
    page.wait_for_function(f"() => ({GAP_TO_BOTTOM})() < 48")


def test_row4_writing_to_a_number_now_used_by_someone_else_replaces_profile_and_interaction(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    new_interaction(page, workspace, "Ana Souza · Initech")
    compose(page, body="Olá Ana, your order shipped.")
    send(page)
    expect(page.get_by_label("Interaction state")).to_have_text("work in progress")
    first_number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS")).inner_text()

    new_interaction(page, workspace, "Hans Müller · consumer")
    compose(page, body="Hans, we have your new number on file.", to="+55 11 96123-4567")
    expect(page.get_by_role("status").filter(has_text="Send will")).to_contain_text(
        f"Send will close interaction {first_number} of the person who had this number, "
        "deactivate the previous person's profile for this number, "
        "create a profile for the consumer and open a new interaction."
    )
    send(page)
    question = page.get_by_role("alertdialog", name="Confirm Send")
    expect(question).to_contain_text("move +55 11 96123-4567 from Ana Souza to Hans Müller")
    question.get_by_role("button", name="Send anyway").click()
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^IMS"))).not_to_have_text(
        first_number
    )
    expect(page.get_by_role("heading", name="Hans Müller")).to_be_visible()
    expect(page.get_by_role("region", name="Compose SMS")).to_contain_text("+55 11 96123-4567")

    page.get_by_label("Open or closed").select_option("closed")
    closed = row_of(page, "Ana Souza", first_number)
    expect(closed).to_contain_text("closed complete")


def _overlap(a: FloatRect | None, b: FloatRect | None) -> bool:
    """Whether two on-screen boxes share any pixel (a toast over a button hides it)."""
    assert a is not None and b is not None
    return (
        a["x"] < b["x"] + b["width"]
        and b["x"] < a["x"] + a["width"]
        and a["y"] < b["y"] + b["height"]
        and b["y"] < a["y"] + a["height"]
    )
