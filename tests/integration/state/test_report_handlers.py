"""The Reports page's handlers, driven as a browser would (issue 27 item 10), on SQLite and
PostgreSQL: a supervisor's report of the fixture's week and its CSV; bad input is told; an
agent is refused and gets no file."""

from __future__ import annotations

import base64
from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.services.accounts import auth
from agent_workspace.state.reports import ReportsState
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support import report_fixture

WEEK = {
    "first": "2026-12-01",
    "last": "2026-12-07",
    "grain": "day",
    "group": "agent",
    "zone": report_fixture.ZONE,
}


def _tab(username: str) -> ReportsState:
    token, _ = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    state = state_for(ReportsState, token)
    run(SessionState.guard_agent_page.fn(state))  # type: ignore[attr-defined]
    return state


def _file(spec: Any) -> str:
    """The text of the data: URL an rx.download event carries."""
    url = str(spec.args[0][1]._js_expr if hasattr(spec.args[0][1], "_js_expr") else spec)
    payload = url.split("base64,", 1)[1].strip('"')
    return base64.b64decode(payload).decode()


def test_a_supervisor_reads_the_week_per_agent_and_downloads_its_csv(engine: Engine) -> None:
    report_fixture.build(engine)
    tab = _tab("sue")

    run(ReportsState.show.fn(tab, WEEK))  # type: ignore[attr-defined]

    assert tab.refusal == "" and tab.error == ""
    conversations = tab.tables[0]
    assert conversations.columns == ["Period", "Agent", "Opened", "Closed"]
    assert conversations.rows[0] == ["2026-12-01", "Alice", "1", "0"]
    times = tab.tables[1]
    assert times.rows[0][:5] == ["2026-12-01", "Alice", "1", "10 min 0 s", "10 min 0 s"]
    assert tab.conversations_chart[0] == {"period": "2026-12-01", "Opened": 2, "Closed": 0}
    assert tab.times_chart[0] == {  # the whole desk's; no resolution that day: no point
        "period": "2026-12-01",
        "First response median (min)": 10.0,
        "Resolution median (min)": None,
    }
    assert tab.heatmap[1].day == "Tue" and tab.heatmap[1].cells[10].count == 1

    download = run(ReportsState.download.fn(tab, "conversations"))  # type: ignore[attr-defined]

    text = _file(download)
    assert text.splitlines()[:2] == ["Period,Agent,Opened,Closed", "2026-12-01,Alice,1,0"]
    assert "report-conversations-by-agent-2026-12-01-to-2026-12-07.csv" in str(download)


def test_bad_input_is_told_and_the_report_stays(engine: Engine) -> None:
    report_fixture.build(engine)
    tab = _tab("ada")  # an administrator reads reports too
    run(ReportsState.show.fn(tab, WEEK))  # type: ignore[attr-defined]
    shown = tab.tables

    run(ReportsState.show.fn(tab, {**WEEK, "zone": "Mars/Olympus"}))  # type: ignore[attr-defined]
    assert tab.error == "'Mars/Olympus' is not a time zone (for example Europe/Berlin or UTC)."
    run(ReportsState.show.fn(tab, {**WEEK, "last": "2026-11-01"}))  # type: ignore[attr-defined]
    assert tab.error == "The period ends before it starts."
    run(ReportsState.show.fn(tab, {**WEEK, "group": "planet"}))  # type: ignore[attr-defined]
    assert tab.error == "Group by one of the choices."
    assert tab.tables == shown


def test_an_agent_is_refused_the_report_and_its_file(engine: Engine) -> None:
    report_fixture.build(engine)
    tab = _tab("alice")

    run(ReportsState.show.fn(tab, WEEK))  # type: ignore[attr-defined]
    toast = run(ReportsState.download.fn(tab, "conversations"))  # type: ignore[attr-defined]

    assert tab.refusal == "Your account (alice) does not have the supervisor role."
    assert tab.tables == []
    assert "does not have the supervisor role" in str(toast)
