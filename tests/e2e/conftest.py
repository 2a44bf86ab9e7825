"""End-to-end fixtures: one production workspace per test session, Debian's Chromium."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.servers import CHROMIUM, CHROMIUM_FLAGS, WorkspaceServer


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not shutil.which(CHROMIUM):
        pytest.fail(
            "Debian's chromium is missing: run ./scripts/test (it installs it).", pytrace=False
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_FLAGS}


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    server = WorkspaceServer(Path(tmp_path_factory.mktemp("workspace")))
    server.start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _e2e_marker(request: pytest.FixtureRequest) -> None:
    request.node.add_marker(pytest.mark.e2e)
