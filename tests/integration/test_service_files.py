"""The service files in deploy/ (issue 24 item 6), checked as far as this machine can run them:
systemd's own verifier on the units, and the workspace's CLI on every command they, the
Containerfile and compose.yaml start; compose.yaml read as Compose reads it (no container
engine here). tests/e2e/test_production.py starts the web unit's ExecStart for real."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from agent_workspace import cli
from agent_workspace.config import PROJECT_ROOT, Settings
from tests.support.production import DEPLOY, Unit

UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
CONTAINER = DEPLOY / "container"
SETTINGS = {f"AW_{name.upper()}" for name in Settings.model_fields}
INSTALLED = "/opt/agent-workspace/venv/bin/agent-workspace"


def _parses(argv: list[str]) -> str:
    """The subcommand a command line of the installed CLI runs (argparse exits on a bad one)."""
    assert argv[0] in (INSTALLED, "agent-workspace"), argv
    return str(cli.build_parser().parse_args(argv[1:]).command)


def test_deploy_has_the_web_unit_and_the_dispatcher_unit() -> None:
    assert [unit.name for unit in UNITS] == [
        "agent-workspace-dispatch.service",
        "agent-workspace.service",
    ]


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_passes_systemd_analyze_verify(unit: Path, tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.fail("systemd-analyze is missing: run ./scripts/test", pytrace=False)
    # systemd checks that ExecStart's program exists: this machine has no /opt install.
    program = tmp_path / "agent-workspace"
    program.write_text("#!/bin/sh\n")
    program.chmod(0o755)
    copy = tmp_path / unit.name
    copy.write_text(unit.read_text().replace(INSTALLED, str(program)))
    checked = subprocess.run(
        [analyze, "verify", str(copy)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0, checked.stderr
    mine = [line for line in checked.stderr.splitlines() if unit.name in line]
    assert mine == [], checked.stderr  # unknown keys and bad values are only warnings


@pytest.mark.parametrize("unit", UNITS, ids=lambda unit: unit.name)
def test_each_unit_runs_a_command_of_the_cli_as_the_service_user_with_its_settings(
    unit: Path,
) -> None:
    service = Unit.read(unit)
    assert service.user == "agent-workspace"
    assert service.environment == {"AW_ENV_FILE": "/etc/agent-workspace/agent-workspace.env"}
    command = _parses(service.exec_start)
    assert command == ("serve" if unit.name == "agent-workspace.service" else "dispatch")
    assert "KillMode=mixed" in unit.read_text()  # SIGTERM to serve alone: it stops its workers


def _compose() -> dict[str, object]:
    found = yaml.safe_load((CONTAINER / "compose.yaml").read_text())
    assert isinstance(found, dict)
    return found


def test_compose_runs_postgresql_redis_a_migration_and_the_web_workers() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict)
    assert set(services) == {"db", "redis", "prepare", "web"}
    assert "postgres:15" in services["db"]["image"]
    assert "redis:7" in services["redis"]["image"]
    assert _parses(services["prepare"]["command"]) == "prepare"
    assert _parses(services["web"]["command"]) == "serve"
    assert services["web"]["command"][2:4] == ["--host", "0.0.0.0"]  # reachable in its network
    assert services["web"]["ports"] == ["127.0.0.1:3000:3000"]  # only the host's proxy
    assert services["web"]["depends_on"]["prepare"] == {
        "condition": "service_completed_successfully"
    }
    assert services["prepare"]["depends_on"]["db"] == {"condition": "service_healthy"}
    build = services["prepare"]["build"]
    assert (CONTAINER / build["context"] / build["dockerfile"]).resolve() == (
        CONTAINER / "Containerfile"
    )
    assert "AW_PUBLIC_BASE_URL" in build["args"]  # the pages are built for it


def test_compose_sets_only_real_settings_and_production_needs() -> None:
    services = _compose()["services"]
    assert isinstance(services, dict)
    for name in ("prepare", "web"):
        environment = services[name]["environment"]
        assert set(environment) <= SETTINGS, set(environment) - SETTINGS
        assert environment["AW_ENVIRONMENT"] == "production"
        for required in ("AW_PUBLIC_BASE_URL", "AW_SECRET_KEY", "AW_TWILIO_AUTH_TOKEN"):
            assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", environment[required]), required
        assert environment["AW_REDIS_URL"].startswith("redis://redis:")
        assert "@db:5432/" in environment["AW_DATABASE_URL"]


def _instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments left out."""
    joined = re.sub(
        r"\\\n",
        " ",
        "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#")),
    )
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in joined.splitlines()
        if line.strip()
    ]


def test_the_containerfile_builds_the_pages_once_and_runs_without_build_tools() -> None:
    steps = _instructions((CONTAINER / "Containerfile").read_text())
    known = {"FROM", "RUN", "COPY", "ARG", "ENV", "USER", "WORKDIR", "VOLUME", "EXPOSE", "CMD"}
    assert {keyword for keyword, _ in steps} <= known
    stages = [i for i, (keyword, _) in enumerate(steps) if keyword == "FROM"]
    assert len(stages) == 2
    build, final = steps[stages[0] : stages[1]], steps[stages[1] :]
    runs = " ".join(args for keyword, args in build if keyword == "RUN")
    assert "pip install --no-cache-dir /opt/agent-workspace/src" in runs
    assert "[dev]" not in runs
    assert re.search(r"agent-workspace build\b", runs)
    for keyword, args in build:
        if keyword == "COPY":
            source = args.split()[0]
            assert (PROJECT_ROOT / source).exists(), args
    final_text = " ".join(args for _, args in final)
    assert not re.search(r"\b(npm|bun|node)\b", final_text)  # serve needs neither
    assert "--from=build /opt/agent-workspace/web" in final_text
    (cmd,) = [args for keyword, args in final if keyword == "CMD"]
    argv = yaml.safe_load(cmd)  # the exec form is a JSON array
    assert _parses(argv) == "serve"
    assert "AW_WEB_DIR=/opt/agent-workspace/web" in final_text


def test_the_build_context_leaves_out_what_a_checkout_grows() -> None:
    ignored = (PROJECT_ROOT / ".dockerignore").read_text().split()
    for grown in (".git", ".venv", ".tools", "data", "deploy/container/.env"):
        assert grown in ignored
