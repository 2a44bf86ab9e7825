"""A supervisor reads the Reports page and downloads a figure's CSV (issue 27 item 10): the
file's rows are the conversations the database holds, per day."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from agent_workspace.db.engine import make_engine
from tests.e2e.axe import assert_accessible
from tests.e2e.pages import sign_in_as_agent
from tests.support.servers import WorkspaceServer


def _per_day(workspace: WorkspaceServer, first: str) -> list[list[str]]:
    """Conversations opened and closed per UTC day since `first`, counted here in Python."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text("SELECT opened_at, closed_at FROM interaction WHERE type = 'messaging'")
            ).all()
    finally:
        engine.dispose()
    days: dict[str, list[int]] = {}
    for opened, closed in rows:
        for column, moment in ((0, opened), (1, closed)):
            if moment is None:
                continue
            day = str(moment)[:10]  # stored in UTC on both databases
            if day >= first:
                days.setdefault(day, [0, 0])[column] += 1
    return [[day, "All", str(o), str(c)] for day, (o, c) in sorted(days.items())]


def test_a_supervisor_reads_the_reports_page_and_downloads_its_csv(
    page: Page, workspace: WorkspaceServer
) -> None:
    sign_in_as_agent(page, workspace, "sam")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports")).to_be_visible()
    today = datetime.now(UTC).date()
    first = (today - timedelta(days=6)).isoformat()
    page.get_by_label("From").fill(first)
    page.get_by_label("To").fill(today.isoformat())
    page.get_by_label("Time zone").fill("UTC")
    page.get_by_role("button", name="Show").click()

    expected = _per_day(workspace, first)
    assert expected, "the demo desk opened conversations this week"
    table = page.get_by_role("table", name="Conversations")
    expect(table.get_by_role("row")).to_have_count(1 + len(expected))
    expect(table.get_by_role("row").nth(1)).to_contain_text(expected[0][0])
    expect(page.get_by_role("figure", name="Conversations (whole desk)")).to_be_visible()
    assert_accessible(page, "the Reports page")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV: Conversations").click()
    saved = download.value
    assert saved.suggested_filename == f"report-conversations-{first}-to-{today}.csv"
    rows = list(csv.reader(io.StringIO(Path(saved.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["Period", "Whole desk", "Opened", "Closed"]
    assert rows[1:] == expected
