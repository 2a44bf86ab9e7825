"""`prepare` migrates everywhere but loads the demo data outside development only when asked."""

from __future__ import annotations

import io
import subprocess

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent_workspace import cli, config
from agent_workspace.models import Channel, User
from agent_workspace.ops import health
from agent_workspace.services.demo_data import DEMO_USERS, load_demo_data


def _count(engine: Engine, table: type[User] | type[Channel]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def _setenv(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    """Changes the environment the way a fresh process would see it."""
    for key, value in values.items():
        if value is None:
            monkeypatch.delenv(key)
        else:
            monkeypatch.setenv(key, value)
    config.get_settings.cache_clear()


def test_outside_development_prepare_loads_no_demo_data(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["prepare"]) == 0
    assert _count(engine, User) == 0
    assert _count(engine, Channel) == 0
    out = capsys.readouterr().out
    assert "AW_DEMO_DATA=true" in out
    assert "create-user" in out  # no administrator yet: it says how to make one


def test_in_production_prepare_never_suggests_the_demo_data(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Production refuses AW_DEMO_DATA=true: prepare had suggested setting it."""
    _setenv(monkeypatch, AW_ENVIRONMENT="production", AW_BCRYPT_ROUNDS=None)
    assert cli.main(["prepare"]) == 0
    out = capsys.readouterr().out
    assert "AW_DEMO_DATA" not in out
    assert "a production install starts empty" in out


def test_outside_development_prepare_loads_the_demo_data_when_asked(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _setenv(monkeypatch, AW_DEMO_DATA="true")
    assert cli.main(["prepare"]) == 0
    assert _count(engine, User) >= 4
    assert "Demo data loaded" in capsys.readouterr().out


def test_in_development_prepare_loads_the_demo_data_unless_switched_off(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setenv(monkeypatch, AW_ENVIRONMENT="development", AW_DEMO_DATA="false")
    assert cli.main(["prepare"]) == 0
    assert _count(engine, User) == 0
    _setenv(monkeypatch, AW_DEMO_DATA=None)
    assert cli.main(["prepare"]) == 0
    assert _count(engine, User) >= 4


# Production on a database that holds demo accounts (issue 22 item 7).
@pytest.fixture
def demo_accounts(engine: Engine) -> None:
    """A database that once had the demo data (a trial, a copied development database)."""
    assert load_demo_data()


@pytest.fixture
def nothing_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("a refused command started a process")

    monkeypatch.setattr(subprocess, "Popen", refuse)


def _published_password_in(text: str) -> bool:
    return any(u.password in text for u in DEMO_USERS)


@pytest.mark.parametrize("environment", ["test", "production"])
@pytest.mark.parametrize("command", [["prepare"], ["serve", "--port", "3999"]])
def test_outside_development_prepare_and_serve_refuse_while_demo_accounts_sign_in(
    demo_accounts: None,
    nothing_starts: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    environment: str,
    command: list[str],
) -> None:
    if environment == "production":
        _setenv(monkeypatch, AW_ENVIRONMENT="production", AW_BCRYPT_ROUNDS="12")
    assert cli.main(command) == 1
    out, err = capsys.readouterr()
    lines = err.splitlines()
    assert len(lines) == len(DEMO_USERS), err
    for user, line in zip(DEMO_USERS, lines, strict=True):
        assert f"demo account {user.username!r}" in line
        assert f"deactivate-user {user.username}" in line
    assert not _published_password_in(out + err)


def test_once_every_demo_account_is_deactivated_or_has_a_real_password_they_start(
    demo_accounts: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("alice", "bob", "sam"):
        assert cli.main(["deactivate-user", name]) == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("a-real-admin-pass-phrase\n"))
    assert cli.main(["reset-password", "ada", "--password-stdin"]) == 0
    capsys.readouterr()
    assert cli.main(["prepare"]) == 0
    assert "demo account" not in capsys.readouterr().err


def test_a_trial_that_asks_for_the_demo_data_starts_without_printing_its_passwords(
    demo_accounts: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _setenv(monkeypatch, AW_DEMO_DATA="true")  # the e2e workspace's setting
    assert cli.main(["prepare"]) == 0
    banner = cli.ready_banner("http://127.0.0.1:3999", simulator=True)
    assert "http://127.0.0.1:3999" in banner
    assert "Demo sign-ins" not in banner
    assert not _published_password_in(banner + "".join(capsys.readouterr()))


def test_in_development_the_banner_shows_the_demo_sign_ins_that_work(
    demo_accounts: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    _setenv(monkeypatch, AW_ENVIRONMENT="development")
    assert cli.main(["deactivate-user", "bob"]) == 0
    banner = cli.ready_banner("http://127.0.0.1:3000", simulator=True)
    assert "alice-demo-pass" in banner and "ada-demo-pass" in banner
    assert "bob-demo-pass" not in banner


def test_migrate_says_where_the_database_now_is(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    """An operator running `migrate` after an upgrade saw nothing, done or not."""
    assert cli.main(["migrate"]) == 0
    [head] = health.script_heads()
    assert f"The database is at the latest revision ({head})." in capsys.readouterr().out
