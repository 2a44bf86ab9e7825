"""The README's Configuration table names every setting there is, and only those (issue 24
item 13): an operator writing the settings file finds each one, storage and session hours
included."""

from __future__ import annotations

import re

from agent_workspace.config import Settings
from tests.support.production import README

# Read by scripts/run, not by Settings.
SCRIPT_VARIABLES = {"AW_PORT"}


def _table() -> set[str]:
    text = README.read_text()
    section = text[text.index("\n## Configuration\n") : text.index("\n## Real Twilio\n")]
    rows = [line for line in section.splitlines() if line.startswith("| `AW_")]
    return {name for row in rows for name in re.findall(r"`(AW_[A-Z_]+)`", row.split(" | ")[0])}


def test_every_setting_is_in_the_configuration_table_and_nothing_else() -> None:
    settings = {f"AW_{name.upper()}" for name in Settings.model_fields}
    listed = _table()
    assert sorted(settings - listed) == []
    assert sorted(listed - settings - SCRIPT_VARIABLES) == []
    assert {"AW_STORAGE_DIR", "AW_SESSION_HOURS", "AW_WEB_DIR", "AW_ENV_FILE"} <= listed
