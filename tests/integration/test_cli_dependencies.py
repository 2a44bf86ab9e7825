"""`serve` (and every command) with a database or Redis that is not there or not migrated: one
line naming the setting and the address tried, no traceback, nothing started. An unmigrated
database had started "healthy" while every page failed; an unreachable one printed a
traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from agent_workspace.config import PROJECT_ROOT
from tests.support import databases
from tests.support.servers import free_port

WAIT_S = 60  # a refusal comes in seconds; a server that starts instead is stopped by then


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs the CLI as an operator would; a command that starts a server instead of refusing
    is stopped with everything it started, and fails the test."""
    process = subprocess.Popen(
        [sys.executable, "-m", "agent_workspace.cli", *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=WAIT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"`{' '.join(args)}` started instead of refusing")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def _refusal(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    (line,) = done.stderr.splitlines()
    return line


def test_serve_refuses_an_unmigrated_database_and_says_to_run_prepare() -> None:
    with databases.postgres_database(migrated=False) as url:
        line = _refusal(_cli("serve", "--port", str(free_port()), AW_DATABASE_URL=url))
    assert line.startswith("agent_workspace: AW_DATABASE_URL: ")
    assert f"127.0.0.1:5432/{url.rsplit('/', 1)[1]}" in line
    assert "python -m agent_workspace.cli prepare" in line


def test_serve_refuses_a_database_migrated_only_part_way() -> None:
    with databases.postgres_database() as url:
        databases.set_revision(url, "2fdb85988c46")  # the first migration only
        line = _refusal(_cli("serve", "--port", str(free_port()), AW_DATABASE_URL=url))
    assert "2fdb85988c46, not the latest" in line and "prepare" in line


@pytest.mark.parametrize("command", [("serve", "--port", "3999"), ("prepare",), ("dispatch",)])
def test_an_unreachable_database_is_one_line_naming_the_setting_and_address(
    command: tuple[str, ...],
) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://postgres:s3cret-pw@127.0.0.1:{port}/workspace"
    line = _refusal(_cli(*command, AW_DATABASE_URL=url))
    assert line.startswith("agent_workspace: AW_DATABASE_URL: ")
    assert f"127.0.0.1:{port}/workspace" in line and "does not answer" in line
    assert "s3cret-pw" not in line


def test_an_unreachable_redis_is_one_line_naming_the_setting_and_address() -> None:
    port = free_port()
    with databases.postgres_database() as url:
        done = _cli(
            "serve",
            "--port",
            str(free_port()),
            AW_DATABASE_URL=url,
            AW_REDIS_URL=f"redis://127.0.0.1:{port}/0",
        )
    line = _refusal(done)
    assert line.startswith("agent_workspace: AW_REDIS_URL: ")
    assert f"127.0.0.1:{port}/0" in line
