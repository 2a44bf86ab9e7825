"""A real team sets it up from the README (issue 24): an empty install on PostgreSQL, no demo
data. The first administrator comes from the CLI; in the browser they create the SMS channel,
its number and an agent; the agent creates a person and texts them, saves an unknown texter as
a person, and is offered the person a number already belongs to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, FilePayload, Page, expect

from tests.e2e.pages import messages, send_now_if_quiet, sign_in
from tests.support import databases
from tests.support.servers import WorkspaceServer

ADMIN_PASSWORD = "root-admin-pass-phrase"
AGENT_PASSWORD = "nina-works-here"
SUPPORT = "+14155550100"
ROSA = "+14155550177"
STRANGER = "+14155550188"


@pytest.fixture(scope="module")
def empty_install(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    with databases.postgres_database() as database_url:
        server = WorkspaceServer(
            Path(tmp_path_factory.mktemp("empty")),
            extra_env={"AW_DATABASE_URL": database_url, "AW_DEMO_DATA": "false"},
        )
        server.start()
        try:
            server.cli(
                *("create-user", "root", "--name", "Root Admin", "--role", "admin"),
                "--password-stdin",
                stdin=ADMIN_PASSWORD + "\n",
            )
            yield server
        finally:
            server.stop()


def _admin_sets_up_channel_number_and_agent(page: Page, server: WorkspaceServer) -> None:
    sign_in(page, server, "root", ADMIN_PASSWORD)
    steps = page.get_by_role("region", name="First steps")
    expect(steps).to_contain_text("To do: the SMS channel exists")
    expect(page.get_by_text("Ask an administrator")).to_have_count(0)

    page.get_by_label("Channel name").fill("Support SMS")
    page.get_by_label("Default region").select_option("US")
    number = page.get_by_label("First sending number (E.164, e.g. +1 415 555 0100)")
    number.fill("415 555 01")
    page.get_by_role("button", name="Create channel").click()
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#channel-number-error")).to_contain_text("too short")
    number.fill(SUPPORT)
    page.get_by_label("Its label (e.g. Support line)").fill("Support line")
    page.get_by_label("Business name (a first text to a consumer should say it)").fill("Acme")
    page.get_by_role("button", name="Create channel").click()
    expect(page.get_by_text("SMS channel created.")).to_be_visible()
    expect(
        page.get_by_label("Business name (a first text to a consumer should say it)")
    ).to_have_value("Acme")
    numbers = page.get_by_role("table", name="Provider numbers")
    expect(numbers.get_by_role("row", name=re.compile("Support line"))).to_have_count(1)
    expect(steps).to_contain_text("Done: it has a number to send from")
    expect(steps).to_contain_text("To do: an agent can sign in")

    page.get_by_role("tab", name="Users and roles").click()
    page.get_by_label("Username").fill("nina")
    page.get_by_label("Name", exact=True).fill("Nina Novak")
    page.get_by_label("Password (at least 12 characters, hard to guess)").fill(AGENT_PASSWORD)
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("checkbox", name="Agent role for nina")).to_be_checked()
    expect(steps).to_have_count(0)  # nothing left to do, said at once on the same tab


def test_an_empty_install_is_set_up_and_an_agent_texts_a_person_they_created(
    page: Page, browser: Browser, empty_install: WorkspaceServer
) -> None:
    server = empty_install
    _admin_sets_up_channel_number_and_agent(page, server)

    agent = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(agent, server, "nina", AGENT_PASSWORD)
    expect(agent.get_by_role("heading", name="My Interactions")).to_be_visible()
    agent.get_by_role("button", name="New").click()
    dialog = agent.get_by_role("dialog", name="New interaction")
    dialog.get_by_role("button", name="Add a person").click()
    dialog.get_by_label("First name").fill("Rosa")
    dialog.get_by_label("Last name").fill("Diaz")
    mobile = dialog.get_by_label(re.compile("^Mobile"))
    mobile.fill("020 7946 0958")
    dialog.get_by_label(re.compile("^Country")).fill("GB")
    dialog.get_by_role("button", name="Save person").click()
    expect(mobile).to_have_attribute("aria-invalid", "true")
    expect(dialog.locator("#person-mobile-error")).to_contain_text("landline")
    mobile.fill("(415) 555-0177")
    dialog.get_by_label(re.compile("^Country")).fill("US")
    dialog.get_by_role("button", name="Save person").click()
    expect(dialog.get_by_label("Consumer or contact")).to_have_value(re.compile("^consumer:"))
    dialog.get_by_label("Short description").fill("Welcome call")
    dialog.get_by_role("button", name="Create").click()

    agent.get_by_role("button", name="Compose SMS").click()
    composer = agent.get_by_role("region", name="Compose SMS")
    expect(composer.get_by_label("To", exact=True)).to_have_value(ROSA)
    composer.get_by_label("Message", exact=True).fill("Welcome aboard, Rosa!")
    composer.get_by_role("button", name="Send", exact=True).click()
    outbound = messages(agent).get_by_test_id("outbound-message").last
    send_now_if_quiet(composer, outbound)  # at night in San Francisco, on the real clock
    expect(outbound).to_contain_text("Welcome aboard, Rosa!")
    expect(outbound.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    sent = httpx.get(f"{server.simulator_url}/_sim/messages", timeout=10).json()["messages"]
    assert any(m["to"] == ROSA and m["from"] == SUPPORT for m in sent)

    # The same number again from New is offered as Rosa, not stored twice.
    agent.get_by_role("button", name="New").click()
    dialog.get_by_role("button", name="Add a person").click()
    dialog.get_by_label("First name").fill("Someone")
    dialog.get_by_label(re.compile("^Mobile")).fill("+1 415 555 0177")
    dialog.get_by_role("button", name="Save person").click()
    expect(dialog.get_by_role("alert")).to_contain_text("+1 415-555-0177 is Rosa Diaz")
    dialog.get_by_role("button", name="Use Rosa Diaz · consumer").click()
    expect(dialog.get_by_label("Consumer or contact")).to_have_value(re.compile("^consumer:"))
    expect(dialog.get_by_label("Consumer or contact")).to_contain_text("Rosa Diaz")
    dialog.get_by_role("button", name="Cancel").last.click()

    # A stranger texts in: "Unknown (+1…)" is saved as a person from the interaction.
    httpx.post(
        f"{server.simulator_url}/_sim/inbound",
        json={"from": STRANGER, "to": SUPPORT, "body": "Hi, it's Tom from the shop"},
        timeout=10,
    ).raise_for_status()
    agent.get_by_label("Show").select_option("virtual_agent")
    waiting = agent.get_by_role("list", name="Virtual agent").get_by_role("link")
    waiting.filter(has_text="Hi, it's Tom").click()
    agent.get_by_role("button", name="Save as a person").click()
    form = agent.get_by_role("group", name="Person")
    expect(form.get_by_label(re.compile("^Mobile"))).to_have_value(STRANGER)
    form.get_by_label("First name").fill("Tom")
    form.get_by_label("Last name").fill("Baker")
    form.get_by_label(re.compile("^Account")).fill("The Shop")
    form.get_by_role("button", name="Save person").click()
    expect(agent.get_by_text("Tom Baker saved.")).to_be_visible()
    expect(agent.get_by_role("heading", name="Tom Baker", level=2)).to_be_visible()


def _csv(text: str) -> FilePayload:
    return {"name": "people.csv", "mimeType": "text/csv", "buffer": text.encode()}


def test_an_admin_imports_people_all_or_nothing_and_an_agent_finds_them(
    page: Page, browser: Browser, empty_install: WorkspaceServer
) -> None:
    sign_in(page, empty_install, "root", ADMIN_PASSWORD)
    page.get_by_role("tab", name="Import people").click()
    bad = "Vorname;Surname;Cell;Company\nIda;Imported;+1 415 555 0191;Initech\nJo;Two;12;\n"
    page.get_by_label("CSV file").set_input_files(files=_csv(bad))
    expect(page.get_by_text("File: people.csv")).to_be_visible()
    expect(page.get_by_label("Last name")).to_have_value("Surname")  # guessed by name
    expect(page.get_by_label("First name")).to_have_value("")
    page.get_by_label("First name").select_option("Vorname")
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("status").filter(has_text="Nothing imported")
    expect(report).to_contain_text("1 of 2 rows refused")
    refused = page.get_by_role("table", name="Refused rows")
    expect(refused.get_by_role("row", name=re.compile(r"^3 12 is too short"))).to_have_count(1)

    # The file fixed and chosen again: the report of the last try goes, and the columns the
    # admin matched stay matched (its header is the same).
    good = bad.replace(";12;", ";+1 415 555 0192;")
    page.get_by_label("CSV file").set_input_files(files=_csv(good))
    expect(report).to_have_count(0)
    expect(page.get_by_label("First name")).to_have_value("Vorname")
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("status").filter(has_text="Imported 2 rows")).to_contain_text(
        "2 created, 0 updated"
    )
    empty_install.cli(  # a scripted install makes its agents with the CLI
        *("create-user", "ivy", "--name", "Ivy Agent", "--role", "agent_workspace_user"),
        "--password-stdin",
        stdin="ivy-works-here-too\n",
    )
    agent = browser.new_context().new_page()
    sign_in(agent, empty_install, "ivy", "ivy-works-here-too")
    agent.get_by_role("button", name="New").click()
    dialog = agent.get_by_role("dialog", name="New interaction")
    dialog.get_by_label("Find a person (name or number)").fill("555-0191")
    person = dialog.get_by_label("Consumer or contact")
    expect(person.get_by_role("option", name="Ida Imported · Initech")).to_have_count(1)
