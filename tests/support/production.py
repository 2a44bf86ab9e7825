"""The README's Production section and the files in deploy/, read as an operator reads them:
the blocks marked for the test, a systemd unit's lines, the nginx site file.

A scratch install moves the section's fixed places (/opt, /etc, /var/lib, /var/backups) into a
folder of the test's, runs as the test's own user (no `runuser`, no owner or group switches)
and on its own database. Every such change is a named rule that must be used: when the README
no longer says what a rule rewrites, the test fails instead of running something else.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from agent_workspace.config import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DEPLOY = PROJECT_ROOT / "deploy"
MARK = "<!-- production-test: run -->"
SERVICE_CONTROL = re.compile(r"^systemctl (stop|start) agent-workspace$")
# `NAME=value` or `NAME=$(...)` alone on its line (not `NAME=value command`).
ASSIGNMENT = re.compile(r"^[A-Z_]+=(?:\$\(.*\)|\S+)\s*(?:#.*)?$")


def production_section(readme: str | None = None) -> str:
    text = README.read_text() if readme is None else readme
    start = text.index("\n## Production\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def marked_blocks(readme: str | None = None) -> list[str]:
    """The bash blocks of the Production section marked for the test, in order."""
    found = re.findall(
        re.escape(MARK) + r"\n```bash\n(.*?)```", production_section(readme), flags=re.S
    )
    return [str(block) for block in found]


@dataclass
class Scratch:
    """Rewrites the section's commands for an install under `root` on `database`."""

    root: Path
    database: str
    used: dict[str, int] = field(default_factory=dict)

    def rules(self) -> list[tuple[str, str, str]]:
        """(name, pattern, replacement), applied in this order."""
        moved = [
            (f"{place} moved", re.escape(place), f"{self.root}{place}")
            for place in (
                "/opt/agent-workspace",
                "/etc/agent-workspace",
                "/var/lib/agent-workspace",
                "/var/backups/agent-workspace",
            )
        ]
        return [
            ("its own database", r"\bagent_workspace\b", self.database),
            ("no other user", r"runuser -u (?:agent-workspace|postgres) -- ", ""),
            ("no owner or group", r" (?:-o|-g|--owner) agent-workspace\b", ""),
            *moved,
        ]

    def localise(self, text: str) -> str:
        for name, pattern, replacement in self.rules():
            text, count = re.subn(pattern, replacement.replace("\\", "\\\\"), text)
            self.used[name] = self.used.get(name, 0) + count
        return text

    def unused_rules(self) -> list[str]:
        return [name for name, _, _ in self.rules() if not self.used.get(name)]


def pieces(block: str) -> list[str | tuple[str]]:
    """A block cut where it stops or starts the service: shell text, and ("stop",)/("start",).

    Each piece runs in a shell of its own, so the block's variables (`NAME=...` lines) are set
    again at the top of every piece after them."""
    found: list[str | tuple[str]] = []
    lines: list[str] = []
    variables: list[str] = []
    for line in block.splitlines():
        control = SERVICE_CONTROL.match(line.strip())
        if control is None:
            assert not line.strip().startswith("systemctl"), f"unexpected in a run block: {line}"
            lines.append(line)
            if ASSIGNMENT.match(line):
                variables.append(line)
            continue
        if lines:
            found.append("\n".join(lines) + "\n")
        lines = list(variables)
        found.append((control.group(1),))
    if lines != variables:
        found.append("\n".join(lines) + "\n")
    return found


@dataclass(frozen=True)
class Unit:
    """What systemd reads from a unit's [Service] section to start it."""

    exec_start: list[str]
    environment: dict[str, str]
    working_directory: str
    user: str

    @classmethod
    def read(cls, path: Path, rewrite: Callable[[str], str] | None = None) -> Unit:
        text = path.read_text()
        if rewrite is not None:
            text = rewrite(text)
        keys: dict[str, list[str]] = {}
        section = ""
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line
                continue
            if section == "[Service]":
                key, _, value = line.partition("=")
                keys.setdefault(key, []).append(value)
        assignments = [item for v in keys.get("Environment", []) for item in shlex.split(v)]
        environment = dict(item.split("=", 1) for item in assignments)
        (exec_start,) = keys["ExecStart"]
        (working_directory,) = keys["WorkingDirectory"]
        (user,) = keys["User"]
        return cls(shlex.split(exec_start), environment, working_directory, user)
