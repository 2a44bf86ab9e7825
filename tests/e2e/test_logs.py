"""What a production workspace writes to its log, read as an operator's log shipper reads it:
every line a record with a UTC time, a level and a logger; one access line per request and per
webhook; never a password, a token, a signature or a message's text; no Reflex hint that does
not apply here."""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from agent_workspace.config import PROJECT_ROOT
from benchmarks import wsclient
from tests.e2e.conftest import MARIA, SUPPORT
from tests.support.servers import WorkspaceServer

UTC_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
TEXT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) [\w.]+ "
)
LEVELS = {"debug", "info", "warning", "error", "critical"}
WAIT_S = 30
PASSWORD = "alice-demo-pass"


@pytest.fixture(scope="module")
def json_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    server = WorkspaceServer(
        Path(tmp_path_factory.mktemp("json-logs")), extra_env={"AW_LOG_FORMAT": "json"}
    )
    server.start()
    yield server
    server.stop()


def _sign_in(workspace: WorkspaceServer) -> str:
    """Signs alice in over the websocket, as a tab does; her session token."""
    found: list[str] = []

    async def sign_in() -> None:
        async with wsclient.http_session() as http:
            tab = wsclient.AgentTab(workspace.url, http, timeout=WAIT_S)
            try:
                await tab.sign_in("alice", PASSWORD)
                found.append(tab.session_token)
            finally:
                await tab.close()

    thread = threading.Thread(target=lambda: asyncio.run(sign_in()))
    thread.start()
    thread.join(WAIT_S * 2)
    assert found, "alice could not sign in"
    return found[0]


def _records(server: WorkspaceServer) -> list[dict[str, Any]]:
    lines = server.log_path.read_text().splitlines()
    records = []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            pytest.fail(f"not a JSON record: {line!r}")
        records.append(record)
    return records


def test_every_line_is_a_json_record_and_each_request_one_access_line(
    json_workspace: WorkspaceServer,
) -> None:
    workspace = json_workspace
    body = f"log check {secrets.token_hex(6)}"
    signature = secrets.token_urlsafe(20)
    media = f"/api/media/424242/x{secrets.token_hex(4)}.png"
    with httpx.Client(timeout=WAIT_S) as client:
        for _ in range(3):
            refused = client.get(f"{workspace.url}{media}?exp=1&sig={signature}")
            assert refused.status_code == 403
        forged = client.post(
            f"{workspace.url}/api/twilio/inbound",
            data={"From": MARIA, "To": SUPPORT, "Body": body, "MessageSid": "SM" + "1" * 32},
            headers={"X-Twilio-Signature": signature},
        )
        assert forged.status_code == 403
        texted = client.post(
            f"{workspace.simulator_url}/_sim/inbound",
            json={"from": MARIA, "to": SUPPORT, "body": body},
        )
        assert texted.json()["webhook_ok"], texted.text
    token = _sign_in(workspace)
    workspace.stop()  # every child has written everything

    records = _records(workspace)
    for record in records:
        assert UTC_STAMP.match(record.get("timestamp", "")), record
        assert record.get("level") in LEVELS, record
        assert record.get("logger"), record
    access = [r for r in records if r["logger"] == "agent_workspace.access"]
    assert [(r["method"], r["status"]) for r in access if r["path"] == media] == [("GET", 403)] * 3
    webhooks = [(r["status"], r["ms"] >= 0) for r in access if r["path"] == "/api/twilio/inbound"]
    assert webhooks == [(403, True), (200, True)]
    text = workspace.log_path.read_text()
    for secret in (body, signature, PASSWORD, token):
        assert secret not in text
    assert "makemigrations" not in text and "reflex run" not in text


def test_the_default_text_log_has_a_time_a_level_and_a_logger_on_every_line(
    workspace: WorkspaceServer,
) -> None:
    with httpx.Client(timeout=WAIT_S) as client:
        assert client.get(f"{workspace.url}/").status_code == 200
        assert client.get(f"{workspace.url}/api/media/1/a.png?sig=x").status_code == 403
    lines = workspace.log_path.read_text().splitlines()
    assert lines
    for line in lines:
        assert TEXT_LINE.match(line), line
    assert any(
        re.search(r" INFO agent_workspace\.access GET / 200 [\d.]+ ms$", line) for line in lines
    )


def test_log_level_leaves_out_what_is_below_it(tmp_path: Path) -> None:
    """AW_LOG_LEVEL=warning: a migration's INFO lines are not written; by default they are."""

    def migrate(**env: str) -> str:
        done = subprocess.run(
            [sys.executable, "-m", "agent_workspace.cli", "migrate"],
            cwd=PROJECT_ROOT,
            env={**WorkspaceServer(tmp_path).env, **env},
            capture_output=True,
            text=True,
            check=True,
        )
        return done.stdout + done.stderr

    quiet = migrate(AW_DATABASE_URL=f"sqlite:///{tmp_path / 'a.db'}", AW_LOG_LEVEL="warning")
    told = migrate(AW_DATABASE_URL=f"sqlite:///{tmp_path / 'b.db'}")
    assert "Running upgrade" not in quiet
    assert any(
        TEXT_LINE.match(line) and "INFO alembic" in line and "Running upgrade" in line
        for line in told.splitlines()
    )
