"""Every public handler of every state, called as an attacker's client would call it.

Any connected client can send any handler any JSON: strings of any size, NUL, ints past every
column type, floats, lists, dicts with thousands of keys. Whatever it sends, each handler
answers with a refusal the page can show (never an exception with a traceback); a tab that is
not signed in keeps nothing it was sent and writes nothing; a signed-in tab keeps no more than
its bounds, however many calls it makes.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, func, select

import agent_workspace.state
from agent_workspace.domain.inputs import MAX_ROW_ID, TYPED_CHARS
from agent_workspace.models import Role
from agent_workspace.services.accounts import auth
from agent_workspace.services.demo_data import load_demo_data
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run
from tests.support.factories import make_user

# Handlers this change does not own; each is named with why it is left out.
NOT_CALLED: dict[str, str] = {}
SIGNED_IN_NOT_CALLED = {
    "SessionState.sign_out": "it would end the session the other calls are made in",
}


def hostile(word: str, scale: int = 1) -> list[Any]:
    """What an attacker's client sends; `word` marks every string, so a test can tell whether
    any of it was kept, and `scale` multiplies every size."""
    return [
        word * 20_000 * scale,  # 140,000 characters and more
        word * (TYPED_CHARS // len(word)),  # as much as a typed field may hold
        f"{word}\x00{word}",
        "1e400",  # float() reads it as infinity
        "nan",
        2**63 + 7,
        MAX_ROW_ID + 1,
        -7,
        0,
        1.5,
        float("inf"),
        float("nan"),
        True,
        None,
        [word] * 1_000 * scale,
        {f"{word}{i}": word for i in range(1_000 * scale)},
    ]


def _state_classes() -> list[type[SessionState]]:
    for module in pkgutil.iter_modules(agent_workspace.state.__path__):
        importlib.import_module(f"agent_workspace.state.{module.name}")
    found: list[type[SessionState]] = []
    todo: list[type[Any]] = [SessionState]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return sorted(set(found), key=lambda c: c.__name__)


def _handlers() -> list[tuple[type[SessionState], str, Any]]:
    """(state class, "Class.handler", the handler's function) for every public handler the
    project defines (Reflex's own, such as setvar, are the framework's)."""
    return [
        (cls, f"{cls.__name__}.{name}", handler.fn)
        for cls in _state_classes()
        for name, handler in cls.event_handlers.items()
        if handler.fn.__module__.startswith("agent_workspace.")
        and handler.fn.__qualname__.startswith(f"{cls.__name__}.")
    ]


HANDLERS = _handlers()  # imported here: a state class is registered in this thread's context


def _sensible(parameter: inspect.Parameter) -> Any:
    """A plain value of the annotated type, so the other argument's effect is seen alone."""
    annotation = str(parameter.annotation)
    for hint, value in (("bool", False), ("int", 1), ("dict", {}), ("list", [])):
        if annotation.startswith(hint):
            return value
    return ""


def _calls(fn: Any, values: list[Any]) -> Iterator[list[Any]]:
    """Every argument hostile in turn (the others plain), or one call without arguments."""
    parameters = list(inspect.signature(fn).parameters.values())[1:]
    if not parameters:
        yield []
        return
    for index in range(len(parameters)):
        for value in values:
            args = [_sensible(p) for p in parameters]
            args[index] = value
            yield args


def _root(token: str) -> Any:
    root = rx.State(_reflex_internal_init=True)  # type: ignore[call-arg]
    root.get_substate(SessionState.get_full_name().split(".")[1:]).token = token
    return root


def _substate(root: Any, cls: type[SessionState]) -> Any:
    return root.get_substate(cls.get_full_name().split(".")[1:])


def _tab_bytes(root: Any) -> bytes:
    """The tab's state as a state manager stores it: every substate pickled on its own."""
    parts, todo = [], [root]
    while todo:
        state = todo.pop()
        parts.append(state._serialize())
        todo.extend(state.substates.values())
    return b"".join(parts)


def _rows(engine: Engine) -> dict[str, int]:
    with Session(engine) as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


async def _attack(root: Any, values: list[Any], skip: dict[str, str]) -> list[str]:
    """Calls every handler with every hostile argument; returns what raised."""
    raised = []
    for cls, name, fn in HANDLERS:
        if name in NOT_CALLED or name in skip:
            continue
        state = _substate(root, cls)
        for args in _calls(fn, values):
            try:
                result = fn(state, *args)
                if inspect.isawaitable(result):
                    await result
            except Exception as problem:
                shown = ", ".join(repr(a)[:24] for a in args)
                raised.append(f"{name}({shown}) {type(problem).__name__}: {str(problem)[:100]}")
    return raised


def _listed(raised: list[str]) -> str:
    """Each handler's first failure, one line each."""
    first: dict[str, str] = {}
    for line in raised:
        first.setdefault(line.split("(")[0], line)
    return "\n".join(sorted(first.values()))


def test_a_tab_not_signed_in_keeps_nothing_it_is_sent_and_writes_nothing(
    engine: Engine,
) -> None:
    load_demo_data()
    root = _root("")
    before = _rows(engine)
    first = run(_attack(root, hostile("HOSTILE"), {}))
    size = len(_tab_bytes(root))
    second = run(_attack(root, hostile("MALLORY"), {}))
    assert not first + second, _listed(first + second)
    kept = _tab_bytes(root)
    assert b"HOSTILE" not in kept and b"MALLORY" not in kept
    assert len(kept) == size  # a second round of different values added nothing
    assert _rows(engine) == before


def test_a_signed_in_tab_refuses_hostile_arguments_and_stays_bounded(
    engine: Engine, unlinked_feeds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_demo_data()
    make_user("root", roles=(Role.AGENT, Role.SUPERVISOR, Role.ADMIN))
    token, _ = auth.sign_in(username="root", password="root-pass-phrase")
    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: 1)
    root = _root(token)
    run(SessionState.guard_agent_page.fn(_substate(root, SessionState)))  # type: ignore[attr-defined]
    first = run(_attack(root, hostile("HOSTILE"), SIGNED_IN_NOT_CALLED))
    size = len(_tab_bytes(root))
    second = run(_attack(root, hostile("MALLORY", scale=10), SIGNED_IN_NOT_CALLED))
    assert not first + second, _listed(first + second)
    # Ten times the sizes added what the first round's legitimate writes show (a canned reply
    # saved, audit rows on the log's first page), not what was sent (megabytes).
    assert len(_tab_bytes(root)) - size < 4_096


def test_every_state_module_is_attacked() -> None:
    """A new state module's handlers are in the attack without anyone listing them."""
    names = {name.split(".")[0] for _, name, _ in HANDLERS}
    assert {"ComposeState", "AuditAdminState", "WorkspaceState", "SupervisorState"} <= names
    assert len(HANDLERS) > 60


def test_the_attack_runs_on_its_own_loop() -> None:
    assert run(asyncio.sleep(0, result=True))
