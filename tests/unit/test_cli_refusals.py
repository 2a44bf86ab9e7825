"""The CLI refuses an unsafe deployment with one line per problem, before it touches anything."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from agent_workspace import cli, config
from agent_workspace.services.demo_data import DEMO_USERS, demo_account_problems


@pytest.fixture(autouse=True)
def _nothing_may_start(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A refused command must not migrate, load or start anything: any of it fails the test."""
    monkeypatch.setenv("AW_DATABASE_URL", f"sqlite:///{tmp_path / 'untouched.db'}")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a refused command started a process")

    monkeypatch.setattr(subprocess, "Popen", refuse)
    monkeypatch.setattr(cli, "migrate", lambda *_a, **_k: refuse())


@pytest.mark.parametrize("command", [["prepare"], ["serve", "--port", "3999"], ["migrate"]])
def test_outside_development_no_twilio_and_no_simulator_opt_in_is_refused(
    command: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AW_SIMULATOR")
    assert cli.main(command) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "AW_TWILIO_ACCOUNT_SID and AW_TWILIO_AUTH_TOKEN" in err
    assert "AW_SIMULATOR=true" in err
    assert "Traceback" not in err


def test_a_loopback_public_url_is_refused_with_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AW_ALLOW_INSECURE_PUBLIC_URL")
    monkeypatch.setenv("AW_PUBLIC_BASE_URL", "http://localhost:3000")
    assert cli.main(["serve"]) != 0
    (line,) = capsys.readouterr().err.splitlines()
    assert "AW_PUBLIC_BASE_URL 'http://localhost:3000'" in line
    assert "AW_ALLOW_INSECURE_PUBLIC_URL=true" in line


def test_all_problems_are_listed_one_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("AW_SIMULATOR")
    monkeypatch.delenv("AW_ALLOW_INSECURE_PUBLIC_URL")
    assert cli.main(["prepare"]) != 0
    lines = capsys.readouterr().err.splitlines()
    assert [("AW_SIMULATOR" in line, "AW_PUBLIC_BASE_URL" in line) for line in lines] == [
        (True, False),
        (False, True),
    ]


def test_an_invalid_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AW_ENVIRONMENT", "prod")
    assert cli.main(["prepare"]) != 0
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("agent_workspace: AW_ENVIRONMENT:")


def test_the_banner_shows_demo_sign_ins_only_when_they_work() -> None:
    plain = cli.banner("https://ws.example.com", sign_ins=(), phone_url=None)
    assert "https://ws.example.com" in plain
    assert "Demo sign-ins" not in plain
    assert not any(u.password in plain for u in DEMO_USERS)
    demo = cli.banner("http://127.0.0.1:3000", sign_ins=DEMO_USERS[:1], phone_url="http://p/phone")
    assert "Demo sign-ins" in demo
    assert DEMO_USERS[0].password in demo
    assert DEMO_USERS[1].password not in demo
    assert "http://p/phone" in demo


def test_several_workers_without_redis_are_refused_before_anything_starts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli.main(["serve", "--port", "3999", "--workers", "2"]) == 2
    err = capsys.readouterr().err
    assert "--workers 2 needs AW_REDIS_URL" in err
    assert err.count("\n") == 1, err


def test_several_workers_with_redis_pass_the_worker_check(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AW_REDIS_URL", "redis://127.0.0.1:6379/0")
    config.get_settings.cache_clear()
    assert cli.workers_problem(4) is None
    assert cli.workers_problem(0) == "--workers must be at least 1"


def test_a_database_not_migrated_yet_holds_no_demo_accounts() -> None:
    assert demo_account_problems() == []


def test_production_lists_every_problem_at_once_not_only_the_short_secret(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A short secret had hidden the http URL, the missing credentials, the test-only hashing
    and the demo data: the operator fixed one, restarted, and met the next."""
    monkeypatch.setenv("AW_ENVIRONMENT", "production")
    monkeypatch.setenv("AW_SECRET_KEY", "too-short")
    monkeypatch.setenv("AW_PUBLIC_BASE_URL", "http://ws.example.com")
    monkeypatch.setenv("AW_DEMO_DATA", "true")
    for opt_in in ("AW_SIMULATOR", "AW_ALLOW_INSECURE_PUBLIC_URL"):
        monkeypatch.delenv(opt_in)
    assert cli.main(["serve"]) == 2
    lines = capsys.readouterr().err.splitlines()
    named = ["AW_SECRET_KEY", "AW_BCRYPT_ROUNDS", "AW_TWILIO_ACCOUNT_SID", "AW_DEMO_DATA"]
    named.append("AW_PUBLIC_BASE_URL")
    assert [next((n for n in named if n in line), line) for line in lines] == named
    assert all(line.startswith("agent_workspace: ") for line in lines)
