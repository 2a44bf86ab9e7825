"""New interaction from My Interactions, and closing one."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from agent_workspace.db.engine import make_engine
from tests.e2e.pages import open_interaction, row_of, sign_in_as_agent
from tests.support.servers import WorkspaceServer


def test_new_interaction_about_a_person_then_close_it(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("button", name="New").click()
    dialog = page.get_by_role("dialog", name="New interaction")
    dialog.get_by_role("button", name="Create").click()
    expect(dialog.get_by_role("alert")).to_contain_text("Choose the consumer or contact")
    dialog.get_by_label("Consumer or contact").select_option(label="Priya Sharma · consumer")
    dialog.get_by_label("Type").select_option("chat")
    dialog.get_by_label("Short description").fill("Delivery slot change")
    dialog.get_by_role("button", name="Create").click()

    expect(page).to_have_url(re.compile(r"/interactions/\d+$"))
    expect(page.get_by_label("Short description")).to_have_value("Delivery slot change")
    number = page.get_by_role("heading", level=2, name=re.compile(r"^IMS\d{7}$")).inner_text()
    mine = page.get_by_role("list", name="My Interactions")
    expect(row_of(mine, "Priya Sharma", number)).to_be_visible()
    page.get_by_role("button", name="Close interaction").click()
    question = page.get_by_role("alertdialog", name=f"Close {number}?")
    question.get_by_role("button", name="Close interaction").click()
    expect(page.get_by_label("Interaction state")).to_have_text("closed complete")

    # Closed ones leave the open list; the State filter shows them.
    expect(row_of(mine, "Priya Sharma", number)).to_have_count(0)
    page.get_by_label("Open or closed").select_option("closed")
    expect(row_of(mine, "Priya Sharma", number)).to_be_visible()


def test_giving_a_conversation_to_another_person_in_details_asks_first(
    page: Page, workspace: WorkspaceServer
) -> None:
    """Moving the number to someone else asks, as Send does; "Don't save" changes nothing."""
    sign_in_as_agent(page, workspace, "alice")
    open_interaction(page, workspace, 1)  # IMS0001001, Alice's conversation with Maria
    page.get_by_label("Find a person").fill("Carlos")
    page.get_by_role("list", name="People found").get_by_role("button").first.click()
    page.get_by_role("button", name="Save", exact=True).click()

    question = page.get_by_role("alertdialog", name="Confirm Save")
    expect(question).to_contain_text(
        "Save will move +1 415-555-0123 from Maria Garcia to Carlos Garcia."
    )
    question.get_by_role("button", name="Don't save").click()
    expect(question).to_have_count(0)
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            person = conn.execute(
                sa.text(
                    "SELECT c.first_name FROM interaction i JOIN consumer c "
                    "ON c.id = i.consumer_id WHERE i.id = 1"
                )
            ).scalar_one()
    finally:
        engine.dispose()
    assert person == "Maria"
