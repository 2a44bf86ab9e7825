"""`build` makes the frontend once and `serve` only serves it (issue 24 item 4): serve refuses,
saying what to run, a build that is missing, for another public URL or of other code, before
it starts anything; a build already up to date is not made again."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from agent_workspace import cli, config
from agent_workspace.serving import build


@pytest.fixture
def web_dir(engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """AW_WEB_DIR of a migrated install; anything started or run from here fails the test."""
    folder = tmp_path / "web"
    monkeypatch.setenv("AW_WEB_DIR", str(folder))
    config.get_settings.cache_clear()

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a process was started")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(subprocess, "run", refuse)
    return folder


def _built(folder: Path, **changes: str) -> None:
    folder.mkdir()
    stamp = {**build.stamp(config.get_settings()), **changes}
    (folder / build.STAMP).write_text(json.dumps(stamp))


def _refusal(capsys: pytest.CaptureFixture[str]) -> str:
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("agent_workspace: ")
    assert "run `agent-workspace build`" in line
    return line


def test_serve_refuses_when_no_frontend_was_built(
    web_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["serve", "--port", "3999"]) == 1
    assert f"no frontend is built in {web_dir} (AW_WEB_DIR)" in _refusal(capsys)


def test_serve_refuses_a_build_for_another_public_url(
    web_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _built(web_dir, public_url="https://old.example.com")
    assert cli.main(["serve", "--port", "3999"]) == 1
    line = _refusal(capsys)
    url = config.get_settings().public_base_url
    assert f"built for https://old.example.com, not for AW_PUBLIC_BASE_URL {url}" in line


def test_serve_refuses_a_build_of_other_code(
    web_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _built(web_dir, source="0" * 64)
    assert cli.main(["serve", "--port", "3999"]) == 1
    assert "built from other code than this install's" in _refusal(capsys)


def test_build_makes_nothing_again_when_the_build_is_up_to_date(
    web_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _built(web_dir)
    assert cli.main(["build"]) == 0
    assert f"The frontend in {web_dir} is up to date" in capsys.readouterr().out
