"""An agent who chooses Available in the header receives a new inbound conversation in My
Interactions, live, with a notice: no reload."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from agent_workspace.db.engine import make_engine
from tests.e2e.pages import sign_in_as_new_agent, text_in
from tests.e2e.people import fresh_mobile
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until


def _presence(workspace: WorkspaceServer, agent_id: int, value: str | None = None) -> str:
    """The agent's stored choice (and sets it first when `value` is given)."""
    engine = make_engine(workspace.env["AW_DATABASE_URL"])
    try:
        with engine.begin() as conn:
            if value is not None:
                conn.execute(
                    sa.text("UPDATE app_user SET presence = :p WHERE id = :id"),
                    {"p": value, "id": agent_id},
                )
            return str(
                conn.execute(
                    sa.text("SELECT presence FROM app_user WHERE id = :id"), {"id": agent_id}
                ).scalar_one()
            )
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    """A workspace of its own: an agent turning Available takes the virtual agent's queue,
    which the shared workspace's other tests (Send to a virtual-agent conversation) count on."""
    server = WorkspaceServer(Path(tmp_path_factory.mktemp("assignment")))
    server.start()
    yield server
    server.stop()


def test_an_available_agent_receives_a_new_conversation_live(
    page: Page, workspace: WorkspaceServer
) -> None:
    _, agent_id = sign_in_as_new_agent(page, workspace, "Avery")
    status = page.get_by_label("Status")
    expect(status).to_have_value("offline")  # a new agent takes nothing until they say so
    try:
        status.select_option("available")
        wait_until(lambda: _presence(workspace, agent_id) == "available", what="the choice saved")
        body = f"Is my parcel on its way? {agent_id}"
        text_in(workspace, fresh_mobile(), body)

        mine = page.get_by_role("list", name="My Interactions")
        expect(mine.get_by_role("link").filter(has_text=body)).to_be_visible()
        expect(page.get_by_text("was assigned to you").first).to_be_visible()
    finally:
        _presence(workspace, agent_id, "offline")
