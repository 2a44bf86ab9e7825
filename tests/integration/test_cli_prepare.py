"""`prepare` migrates everywhere but loads the demo data outside development only when asked."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent_workspace import cli, config
from agent_workspace.models import Channel, User


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
