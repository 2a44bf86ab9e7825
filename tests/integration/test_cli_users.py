"""`create-user`, `reset-password` and `deactivate-user`: passwords come from a prompt or stdin."""

from __future__ import annotations

import argparse
import getpass
import io

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace import cli
from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.models import Role, User
from agent_workspace.services.accounts import auth
from agent_workspace.services.errors import AccessDenied
from tests.support.factories import make_user

PASSWORD = "a-long-enough-secret"
CREATE = ["create-user", "root", "--name", "Root Admin", "--role", "admin"]


@pytest.fixture
def prompts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Answers getpass (no echo) with PASSWORD and records each prompt it showed."""
    shown: list[str] = []

    def fake_getpass(prompt: str = "Password: ", stream: object = None) -> str:
        shown.append(prompt)
        return PASSWORD

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    return shown


def _stdin(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(text))


def test_create_user_asks_for_the_password_twice_without_echo(
    engine: Engine, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main([*CREATE, "--role", "supervisor", "--email", "root@example.com"]) == 0
    assert len(prompts) == 2
    _, actor = auth.sign_in(username="root", password=PASSWORD)
    assert actor.roles == {Role.ADMIN, Role.SUPERVISOR}
    out = capsys.readouterr().out
    assert "root" in out and PASSWORD not in out


def test_prompted_passwords_that_differ_are_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = iter([PASSWORD, PASSWORD + "!"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(CREATE) == 1
    assert "do not match" in capsys.readouterr().err
    with Session(engine) as session:
        assert session.exec(select(User)).all() == []


def test_password_stdin_reads_exactly_one_line(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    _stdin(monkeypatch, f"{PASSWORD}\r\nnot-the-password\n")
    monkeypatch.setattr(getpass, "getpass", lambda *_: pytest.fail("prompted"))
    assert cli.main([*CREATE, "--password-stdin"]) == 0
    auth.sign_in(username="root", password=PASSWORD)


def test_an_empty_stdin_is_refused(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "")
    assert cli.main([*CREATE, "--password-stdin"]) == 1
    assert "No password on stdin" in capsys.readouterr().err


def test_a_weak_password_is_refused_in_one_line(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _stdin(monkeypatch, "short\n")
    assert cli.main([*CREATE, "--password-stdin"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "at least 12 characters" in line


@pytest.mark.parametrize(
    "command", [CREATE, ["reset-password", "alice"], ["deactivate-user", "alice"]]
)
@pytest.mark.parametrize("option", ["--password", "--pass", "--password=hunter2-hunter2", "-p"])
def test_no_command_takes_a_password_on_argv(
    command: list[str], option: str, prompts: list[str]
) -> None:
    # Abbreviations are off, so --password is not read as --password-stdin and its value
    # cannot slip into another argument (a username, say).
    with pytest.raises(SystemExit) as exit_:
        cli.main([command[0], option, "hunter2-hunter2", *command[1:]])
    assert exit_.value.code == 2
    assert prompts == []


def test_a_password_option_is_not_taken_for_password_stdin(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With argparse's abbreviations, `--password X` would mean `--password-stdin` and make
    # the password the username (stored and audited in clear).
    _stdin(monkeypatch, PASSWORD + "\n")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["create-user", "--password", "hunter2-hunter2", "--name", "R", "--role", "admin"])
    assert exit_.value.code == 2
    with Session(engine) as session:
        assert session.exec(select(User)).all() == []


def test_the_only_password_option_is_a_flag() -> None:
    parser = cli.build_parser()
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for command in sub.choices.values():
        for action in command._actions:
            named = [o for o in action.option_strings if "pass" in o]
            assert named in ([], ["--password-stdin"])
            if named:
                assert action.nargs == 0  # a flag: it carries no value


def test_an_unknown_role_lists_the_valid_ones(
    engine: Engine, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli.main(["create-user", "root", "--name", "Root", "--role", "boss"])
    err = capsys.readouterr().err
    assert "Unknown role 'boss'. Valid roles: agent_workspace_user, supervisor, admin." in err
    assert prompts == []


def test_reset_password_signs_the_user_out_everywhere(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    make_user("alice")  # signs in once itself
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    _stdin(monkeypatch, PASSWORD + "\n")
    assert cli.main(["reset-password", "alice", "--password-stdin"]) == 0
    assert auth.actor_for_token(token) is None
    auth.sign_in(username="alice", password=PASSWORD)
    assert "2 sessions ended" in capsys.readouterr().out


def test_reset_password_prompts_when_stdin_is_not_asked_for(
    engine: Engine, prompts: list[str]
) -> None:
    make_user("alice")
    assert cli.main(["reset-password", "alice"]) == 0
    assert len(prompts) == 2
    auth.sign_in(username="alice", password=PASSWORD)


def test_deactivate_user_refuses_sign_in_and_a_second_run_changes_nothing(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    make_user("alice")
    assert cli.main(["deactivate-user", "alice"]) == 0
    with pytest.raises(AccessDenied, match="Unknown username or wrong password"):
        auth.sign_in(username="alice", password="alice-pass-phrase")
    assert cli.main(["deactivate-user", "alice"]) == 0
    assert "already deactivated" in capsys.readouterr().out


def test_an_unknown_user_is_a_one_line_refusal(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["deactivate-user", "mallory"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "No user named 'mallory'" in line


def test_a_display_name_with_a_line_break_is_refused_in_one_line(
    engine: Engine, prompts: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    forged = "Root\n2026-01-01 00:00:00 UTC  Ada Admin (from +1 415-555-0100) [delivered]"
    assert cli.main(["create-user", "root", "--name", forged, "--role", "admin"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "line break" in line
    with Session(engine) as session:
        assert session.exec(select(User)).all() == []


@pytest.mark.parametrize("command", [CREATE, ["reset-password", "alice"]])
def test_a_password_over_72_bytes_is_refused_in_one_line(
    engine: Engine,
    command: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    make_user("alice")
    _stdin(monkeypatch, "é" * 37 + "\n")  # 74 bytes: bcrypt would refuse it
    assert cli.main([*command, "--password-stdin"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert "at most 72 bytes" in line
    auth.sign_in(username="alice", password="alice-pass-phrase")


def test_unlock_user_lifts_a_pause_and_says_when_there_was_none(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    make_user("alice")
    for _ in range(ACCOUNT_FROM_ADDRESS.failures):
        with pytest.raises(AccessDenied):
            auth.sign_in(username="alice", password="a-wrong-guess")
    assert cli.main(["unlock-user", "Alice"]) == 0
    assert "Sign-in of alice is no longer paused." in capsys.readouterr().out
    auth.sign_in(username="alice", password="alice-pass-phrase")
    assert cli.main(["unlock-user", "alice"]) == 0
    assert "alice was not paused; nothing changed." in capsys.readouterr().out
    assert cli.main(["unlock-user", "nobody"]) == 1
