"""Day one at the desk (issue 23): numbers typed for a person abroad, stored numbers that cannot
take a text, the earlier conversation named by whom it was with, which row is the new SMS
conversation, and search by any of the person's numbers. Each test brings its own people."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.pages import compose, open_interaction_of, sign_in_as_agent
from tests.servers import WorkspaceServer

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
