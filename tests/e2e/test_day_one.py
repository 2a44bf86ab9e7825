"""Day one at the desk (issue 23): numbers typed for a person abroad, stored numbers that cannot
take a text, the earlier conversation named by whom it was with, which row is the new SMS
conversation, and search by any of the person's numbers. Each test brings its own people."""

from __future__ import annotations

import re
import uuid

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.pages import compose, messages, open_interaction_of, row_of, send, sign_in_as_agent
from tests.e2e.people import add_consumer, fresh_mobile, fresh_name
from tests.support.servers import WorkspaceServer

SUPPORT = "+14155550100"
UNKNOWN_NUMBER = "+12015550135"  # the simulator ends texts to it undelivered, 30005
LANDLINE = "+442079460958"  # a London fixed line


def _composer(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Compose SMS")


def _heading(page: Page) -> str:
    return page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()


def _new_interaction(page: Page, workspace: WorkspaceServer, person: str, about: str = "") -> str:
    """New → a phone interaction about `person` (and what it is about); returns its number."""
    page.goto(workspace.url)
    page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog", name="New interaction")
    dialog.get_by_label("Consumer or contact").select_option(label=f"{person} · consumer")
    dialog.get_by_label("Short description").fill(about)
    dialog.get_by_role("button", name="Create").click()
    expect(page.get_by_role("button", name="Compose SMS")).to_be_visible()
    return _heading(page)


def test_other_on_a_foreign_persons_interaction_reads_the_workspaces_numbers_too(
    page: Page, workspace: WorkspaceServer
) -> None:
    """Liam Wilson is in Australia, the workspace in the US: a US number typed without +1 is
    read in the US once it is no Australian number, and the composer says so."""
    sign_in_as_agent(page, workspace, "alice")
    open_interaction_of(page, "Liam Wilson")
    compose(page, body="Is this your US number?", to="(415) 555-0177")
    composer = _composer(page)
    read_as = composer.get_by_label("Number in E.164")
    expect(read_as).to_have_text("Will send to +14155550177 (read as a number in United States)")
    expect(composer.get_by_label("Other number")).to_have_attribute("aria-invalid", "false")
    expect(composer.get_by_role("status").filter(has_text="Send will")).to_be_visible()
    composer.get_by_label("Other number").fill("0412 345 678")
    expect(read_as).to_have_text("Will send to +61412345678 (read as a number in Australia)")
    composer.get_by_label("Other number").fill("+1 415 555 0177")
    expect(read_as).to_have_text("Will send to +14155550177")


def test_the_earlier_conversation_names_the_person_each_message_was_with(
    page: Page, workspace: WorkspaceServer
) -> None:
    """Workflow 4: Tomas takes over the phone Rosa texted from; the earlier conversation shown
    above Tomas's still says Rosa wrote it."""
    shared = fresh_mobile()
    rosa, tomas = fresh_name("Rosa"), fresh_name("Tomas")
    add_consumer(workspace, rosa, shared, country="US")
    add_consumer(workspace, tomas, shared, country="US")
    sign_in_as_agent(page, workspace, "alice")
    _new_interaction(page, workspace, rosa)
    compose(page, body="Hello Rosa, your order is packed.")
    send(page)
    expect(messages(page)).to_contain_text("your order is packed")
    httpx.post(
        f"{workspace.simulator_url}/_sim/inbound",
        json={"from": shared, "to": SUPPORT, "body": "Rosa here, thank you!"},
        timeout=10,
    ).raise_for_status()
    expect(messages(page)).to_contain_text("Rosa here, thank you!")
    rosas = _heading(page)

    _new_interaction(page, workspace, tomas)
    compose(page, body="Hello Tomas, this is about your invoice.")
    send(page)
    page.get_by_role("alertdialog", name="Confirm Send").get_by_role(
        "button", name="Send anyway"
    ).click()
    expect(messages(page)).to_contain_text("about your invoice")
    earlier = page.get_by_text(f"Earlier conversation {rosas}", exact=True)
    earlier.click()
    said = page.get_by_role("list", name="Earlier conversation").get_by_test_id("inbound-message")
    expect(said).to_contain_text("Rosa here, thank you!")
    expect(said).to_contain_text(rosa)
    expect(said).not_to_contain_text(tomas)
    mine = messages(page).get_by_test_id("outbound-message").filter(has_text="your invoice")
    expect(mine).to_contain_text("Alice Agent")


def test_stored_numbers_that_cannot_take_a_text_say_so_under_to_and_in_the_panel(
    page: Page, workspace: WorkspaceServer
) -> None:
    """A landline is shown and cannot be chosen; a number whose last text failed for good
    (30005) is offered with the reason; neither is called "mobile"; To starts on one that works."""
    nora, works = fresh_name("Nora"), fresh_mobile()
    add_consumer(workspace, nora, UNKNOWN_NUMBER, LANDLINE, works, country="US")
    sign_in_as_agent(page, workspace, "sam")
    call = _new_interaction(page, workspace, nora)
    compose(page, body="Checking the number on file.")
    to = _composer(page).get_by_label("To", exact=True)
    landline = to.get_by_role("option", name="+44 20 7946 0958 · landline, cannot receive SMS")
    expect(landline).to_be_disabled()
    to.select_option(UNKNOWN_NUMBER)
    send(page)
    outbound = messages(page).get_by_role("listitem").filter(has_text="number on file")
    expect(outbound.get_by_label("Delivery status")).to_have_text("Undelivered", timeout=15_000)

    page.get_by_role("list", name="Other interactions").get_by_role("link", name=call).click()
    expect(page.get_by_role("heading", level=2, name=call)).to_be_visible()
    panel = page.get_by_role("list", name="Numbers")
    expect(panel.get_by_role("listitem").filter(has_text="+44 20 7946 0958")).to_have_text(
        re.compile(r"landline, cannot receive SMS")
    )
    failed = panel.get_by_role("listitem").filter(has_text="+1 201-555-0135")
    expect(failed).to_contain_text("last text failed: unknown number (30005)")
    expect(failed).not_to_contain_text("mobile")
    expect(panel.get_by_role("listitem").filter(has_text="+44 20 7946 0958")).not_to_contain_text(
        "mobile"
    )
    page.get_by_role("button", name="Compose SMS").click()
    expect(to).to_have_value(works)  # not the number that failed
    expect(
        to.get_by_role("option", name="+1 201-555-0135 · last text failed: unknown number (30005)")
    ).to_be_enabled()
    expect(landline).to_be_disabled()


def test_after_sending_from_a_phone_interaction_the_list_tells_the_sms_row_apart(
    page: Page, workspace: WorkspaceServer
) -> None:
    ivy = fresh_name("Ivy")
    add_consumer(workspace, ivy, fresh_mobile(), country="US")
    sign_in_as_agent(page, workspace, "alice")
    call = _new_interaction(page, workspace, ivy, about="Warranty call back")
    compose(page, body="Hi Ivy, following up on your call.")
    send(page)
    expect(messages(page)).to_contain_text("following up on your call")
    texting = _heading(page)
    assert texting != call

    mine = page.get_by_role("list", name="My Interactions")
    sms_row, phone_row = row_of(mine, ivy, texting), row_of(mine, ivy, call)
    expect(sms_row.get_by_text("SMS", exact=True)).to_be_visible()
    expect(sms_row).to_contain_text("following up on your call")
    expect(phone_row.get_by_text("Phone", exact=True)).to_be_visible()
    expect(phone_row).to_contain_text("Warranty call back")
    expect(phone_row.get_by_text("SMS", exact=True)).to_have_count(0)


def test_search_finds_an_interaction_by_any_number_of_its_person_and_its_description(
    page: Page, workspace: WorkspaceServer
) -> None:
    pia, number = fresh_name("Pia"), f"+61412345{uuid.uuid4().int % 600 + 100}"  # not Liam's
    add_consumer(workspace, pia, number, country="AU")
    sign_in_as_agent(page, workspace, "bob")
    call = _new_interaction(page, workspace, pia, about="Lost luggage claim")
    search = page.get_by_label("Search interactions")
    mine = page.get_by_role("list", name="My Interactions")
    national = f"0412 345 {number[-3:]}"
    for text in (number, national, "luggage claim"):
        search.fill("no such thing")  # the list empties first: what follows is this search's
        expect(page.get_by_text("Nothing here.")).to_be_visible()
        search.fill(text)
        expect(row_of(mine, pia, call)).to_be_visible()
        expect(mine.get_by_role("link")).to_have_count(1)
