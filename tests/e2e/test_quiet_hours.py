"""Quiet hours and a scheduled send, as a new agent meets them (issue 26 items 2 and 3): the
agent texts a consumer where it is night now, is told so, schedules it for 08:00 their time,
and the message goes then, once.

The server's clock is real: the consumer's number is one where it is night now
(tests/quiet_numbers.py). Not to wait hours, the test moves the scheduled time to now in the
database (a path the app does not have), with the person's zone set where it is day (as at
the opening), and watches the bubble go from Scheduled to Sent or Delivered."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import phonenumbers
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from agent_workspace.db.engine import make_engine
from agent_workspace.domain.consumer_time import consumer_zone
from tests.e2e.pages import compose, messages, new_interaction, send, sign_in_as_agent
from tests.e2e.people import add_consumer, fresh_name
from tests.support.quiet_numbers import day_number, night_number
from tests.support.servers import WorkspaceServer


@pytest.fixture
def quiet_hours_on(workspace: WorkspaceServer) -> Iterator[sa.Engine]:
    """The demo channel with quiet hours on (as a real channel starts), off again after."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE channel SET quiet_hours_enabled = :on"), {"on": True})
    try:
        yield engine
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE channel SET quiet_hours_enabled = :on"), {"on": False})
        engine.dispose()


def test_a_text_at_night_is_scheduled_for_the_opening_and_goes_once(
    page: Page, workspace: WorkspaceServer, quiet_hours_on: sa.Engine
) -> None:
    now = datetime.now(UTC)
    night = night_number(now, margin=timedelta(minutes=15))
    region = phonenumbers.region_code_for_number(phonenumbers.parse(night)) or "US"
    name = fresh_name("Kenji")
    add_consumer(workspace, name, night, country=region)
    body = f"Your parcel is ready {uuid.uuid4().hex[:6]}"

    sign_in_as_agent(page, workspace, "alice")
    new_interaction(page, workspace, f"{name} · consumer")
    compose(page, body=body)
    # Told while typing, before any click: Send will ask.
    checks = page.get_by_role("list", name="Checks before Send")
    expect(checks).to_contain_text("Quiet hours: It is ")
    expect(checks).to_contain_text("Send asks first")
    send(page)

    prompt = page.get_by_role("alertdialog", name="Outside quiet hours")
    expect(prompt).to_contain_text("for them")
    expect(prompt).to_contain_text("texts go 08:00-21:00 their time")
    later = prompt.get_by_role("button", name=re.compile(r"^Send at 08:00 their time \(\w+day\)$"))
    later.click()

    expect(prompt).to_have_count(0)
    bubble = messages(page).get_by_role("listitem").filter(has_text=body)
    expect(
        bubble.get_by_text(re.compile(r"^Scheduled for 08:00 their time \(\w{3}\)$"))
    ).to_be_visible()
    expect(bubble.get_by_label("Delivery status")).to_have_text("Scheduled")
    with quiet_hours_on.connect() as conn:
        [(status, at)] = conn.execute(
            sa.text("SELECT status, scheduled_for FROM message WHERE body = :b"), {"b": body}
        ).all()
    assert status == "scheduled" and at is not None

    # 08:00 for them, without waiting: their zone is now one where it is day, and the time
    # is now. The outbox (polling every 0.2 s in this workspace) takes it.
    day_zone = consumer_zone(day_number(datetime.now(UTC))).zone
    with quiet_hours_on.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE consumer SET time_zone = :z WHERE id = "
                "(SELECT consumer_id FROM interaction i JOIN message m "
                "ON m.interaction_id = i.id WHERE m.body = :b)"
            ),
            {"z": day_zone, "b": body},
        )
        conn.execute(
            sa.text("UPDATE message SET scheduled_for = :now WHERE body = :b"),
            {"now": datetime.now(UTC) - timedelta(seconds=1), "b": body},
        )

    expect(bubble.get_by_label("Delivery status")).to_have_text(
        re.compile("^(Sent|Delivered)$"), timeout=20_000
    )
    expect(bubble.get_by_text(re.compile("^Scheduled for"))).to_have_count(0)
    with quiet_hours_on.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT status, provider_sid FROM message WHERE body = :b"), {"b": body}
        ).all()
    assert len(rows) == 1 and rows[0][1] is not None  # one message, one provider SID
    expect(bubble).to_have_count(1)
