"""The one access rule (services/access.access_interaction, over domain/access.py) guards every
way into an interaction, found by enumeration rather than by memory:

- every public function of agent_workspace.services that names an interaction (an
  `interaction_id`, or a request carrying one) is classified below: it acts for an actor and
  applies the rule with the need written in NEEDS (proven by calling it: the rule is seen
  applied with that need, an actor without the standing is refused and nothing changes), or it
  is one of the few UNCHECKED reads (each with its reason), or it takes the caller's `session`
  (a step inside an entry point that already applied the rule);
- every public event handler of every State class in agent_workspace.state reaches interactions
  only through services proven here (state cannot reach the database itself:
  tests/unit/test_architecture.py), and each one reaching them, run on a signed-out tab,
  writes nothing.

A new service or handler that reaches an interaction some other way makes this file fail.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import importlib
import inspect
import pkgutil
import textwrap
import typing
from collections.abc import Callable, Iterator
from types import FunctionType, ModuleType
from typing import Any

import pytest
import reflex as rx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import agent_workspace.services
import agent_workspace.state
from agent_workspace.domain.access import Need
from agent_workspace.models import Role
from agent_workspace.reflex_internals import is_mixin
from agent_workspace.services import access
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.canned_replies import create_reply
from agent_workspace.services.errors import AccessDenied, InvalidInput, NotFound
from agent_workspace.services.interactions.work import DetailsChange
from agent_workspace.services.labels import create_label
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.state.session import SessionState
from tests.integration.state.test_access_checks import run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

MARIA_PHONE = "+14155550123"
MISSING = 10**9

# What each entry point needs of its actor (domain/access.py): VIEW any agent (open, read,
# Send, note), WORK the assignee, a live-group member or a supervisor (close, Details, opting
# the phone out at its request), SUPERVISE a supervisor (the board's actions), REASSIGN a
# supervisor (or an administrator for a deactivated agent's work).
NEEDS: dict[str, Need] = {
    "conversation.canned_replies.render": Need.VIEW,
    "conversation.conversation.conversation": Need.VIEW,
    "conversation.conversation.require_viewable": Need.VIEW,
    "conversation.messages.history": Need.VIEW,
    "conversation.notes.add_note": Need.VIEW,
    "conversation.opt_outs.opt_out_at_request": Need.WORK,
    "conversation.transcript.export_transcript": Need.VIEW,
    "conversation.transfer.transfer": Need.WORK,
    "conversation.transfer.transfer_choices": Need.WORK,
    "interactions.details.details": Need.VIEW,
    "interactions.inbox.mark_seen": Need.VIEW,
    "interactions.labels.add_label": Need.WORK,
    "interactions.labels.interaction_labels": Need.VIEW,
    "interactions.labels.remove_label": Need.WORK,
    "interactions.lifecycle.close_by_agent": Need.WORK,
    "interactions.live_group.history": Need.VIEW,
    "interactions.snooze.snooze": Need.WORK,
    "interactions.snooze.wake_now": Need.WORK,
    "interactions.supervising.join_as_supervisor": Need.SUPERVISE,
    "interactions.supervising.leave_as_supervisor": Need.SUPERVISE,
    "interactions.supervising.reassign": Need.REASSIGN,
    "interactions.supervising.take_over": Need.SUPERVISE,
    "interactions.work.pick_up": Need.VIEW,
    "interactions.work.update_details": Need.WORK,
    "sending.facts.recipient_facts": Need.VIEW,
    "sending.options.compose_options": Need.VIEW,
    "sending.send.preview_send": Need.VIEW,
    "sending.send.send_sms": Need.VIEW,
}

# Names an interaction, acts for nobody: each reason says why no rule applies.
UNCHECKED: dict[str, str] = {
    "conversation.conversation.load_conversation": "the notifier's push to viewers the live "
    "layer let in after require_viewable",
    "conversation.conversation.load_latest_messages": "the notifier's push, as above",
    "interactions.inbox.my_row_changes": "the notifier's push of an agent's own list rows",
    "interactions.lists.watchers": "whom a change concerns: ids, no interaction's content",
    "interactions.unread.unread_query": "builds a statement; reads nothing",
    "membership.current": "builds a statement; reads nothing",
    "outbox.claims.mark_stopped": "the dispatcher failing a message it claimed (its lease "
    "fences it) whose phone opted out since: nobody acts, nothing is shown",
    "audit.row": "builds an audit row's columns (the actor is whom it names); reads nothing",
    "interactions.lifecycle.rebuild_conversation_facts": "a step in the caller's transaction "
    "(its connection: bulk loads, the report fixture): sets facts from messages, shows nothing",
}


def _modules(package: ModuleType) -> Iterator[ModuleType]:
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        yield importlib.import_module(found.name)


@functools.cache
def _service_functions() -> dict[str, FunctionType]:
    """Public functions defined in agent_workspace.services, by "group.module.name"."""
    prefix = "agent_workspace.services."
    return {
        f"{module.__name__.removeprefix(prefix)}.{name}": value
        for module in _modules(agent_workspace.services)
        for name, value in vars(module).items()
        if inspect.isfunction(value)
        and value.__module__ == module.__name__
        and not name.startswith("_")
    }


def _names_an_interaction(function: FunctionType) -> bool:
    hints = typing.get_type_hints(function)
    for name in inspect.signature(function).parameters:
        if name in ("interaction_id", "interaction_ids"):
            return True
        hint = hints.get(name)
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            fields = {f.name for f in dataclasses.fields(hint)}
            if "interaction_id" in fields:
                return True
    return False


@functools.cache
def _entry_points() -> dict[str, FunctionType]:
    """Service functions naming an interaction that are not a step in a caller's transaction."""
    return {
        name: function
        for name, function in _service_functions().items()
        if _names_an_interaction(function)
        and "session" not in inspect.signature(function).parameters
    }


def test_every_service_that_names_an_interaction_is_classified() -> None:
    found = _entry_points()
    assert sorted(set(found) - set(NEEDS) - set(UNCHECKED)) == [], (
        "a new service names an interaction: apply access_interaction and add it to NEEDS"
    )
    assert sorted((set(NEEDS) | set(UNCHECKED)) - set(found)) == []
    acting = {n for n, f in found.items() if "actor" in inspect.signature(f).parameters}
    assert acting - set(UNCHECKED) == set(NEEDS), "a service acting for someone applies the rule"


# -- proving the rule on each entry point ------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class World:
    alice: Actor  # an agent holding the interaction
    bob: Actor  # an agent with no standing on it
    sam: Actor  # a supervisor who also works interactions
    ada: Actor  # an administrator only
    interaction_id: int
    shared_reply: int
    message_id: int  # alice's first text in it
    label: int  # a label ada made


def _world() -> World:
    make_channel()
    make_consumer("Maria", MARIA_PHONE)
    alice, bob = make_user("alice"), make_user("bob")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    ada = make_user("ada", roles=(Role.ADMIN,))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, MARIA_PHONE, "Hello"))
    reply = create_reply(actor=ada, title="Hi", body="Hi {first_name}", shared=True)
    label = create_label(actor=ada, name="VIP", colour="red")
    return World(alice, bob, sam, ada, sent.interaction_id, reply.id, sent.message_id, label.id)


def _arguments(name: str, world: World, interaction_id: int) -> dict[str, Any]:
    """What each entry point takes besides the actor."""
    extra: dict[str, dict[str, Any]] = {
        "conversation.canned_replies.render": {"reply_id": world.shared_reply},
        "conversation.messages.history": {"before_seq": 5},
        "conversation.notes.add_note": {"body": "Called her back"},
        "conversation.opt_outs.opt_out_at_request": {"message_id": world.message_id},
        "conversation.transcript.export_transcript": {"format": "text"},
        "conversation.transfer.transfer": {"agent_id": world.bob.user_id, "note": "Over to you"},
        "interactions.labels.add_label": {"label_id": world.label},
        "interactions.labels.remove_label": {"label_id": world.label},
        "interactions.snooze.snooze": {"choice": "1h", "zone": "UTC"},
        "interactions.supervising.reassign": {"agent_id": world.bob.user_id},
        "interactions.work.update_details": {"change": DetailsChange(short_description="Refund")},
        "sending.facts.recipient_facts": {"to": MARIA_PHONE},
        "sending.options.compose_options": {"default_region": "US"},
        "sending.send.preview_send": {"from_number": SUPPORT_NUMBER, "to": MARIA_PHONE},
    }
    if name == "sending.send.send_sms":
        request = SendRequest(SUPPORT_NUMBER, MARIA_PHONE, "Hi", interaction_id=interaction_id)
        return {"request": request}
    return {"interaction_id": interaction_id, **extra.get(name, {})}


def _allowed(need: Need, world: World) -> Actor:
    """Someone the level lets in with the least standing it accepts."""
    return {
        Need.VIEW: world.bob,  # any agent
        Need.WORK: world.alice,  # the assignee
        Need.SUPERVISE: world.sam,
        Need.REASSIGN: world.sam,
    }[need]


def _refused(need: Need, world: World) -> list[Actor | None]:
    """Who the level keeps out: nobody signed in, and those without the standing."""
    if need is Need.VIEW:
        return [None, world.ada]
    return [None, world.bob]


def _everything(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, to show a refusal wrote nothing."""
    with engine.connect() as connection:
        return {
            table.name: sorted(
                (tuple(row) for row in connection.execute(sa.select(table))), key=repr
            )
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, Need]]:
    """(interaction_id, need) of every access_interaction call, from wherever it is made."""
    calls: list[tuple[int, Need]] = []
    real = access.access_interaction

    def recording(
        session: Any, actor: Any, interaction_id: int, *, need: Need = Need.VIEW, lock: bool = False
    ) -> Any:
        calls.append((interaction_id, need))
        return real(session, actor, interaction_id, need=need, lock=lock)

    # Every module imported before any is patched: one first imported after `access` itself
    # was patched would bind the recorder under its own name, and keep it past this test.
    modules = list(_modules(agent_workspace.services))
    for module in modules:
        if getattr(module, "access_interaction", None) is real:
            monkeypatch.setattr(module, "access_interaction", recording)
    return calls


@pytest.mark.parametrize("name", sorted(NEEDS))
def test_each_entry_point_applies_the_rule_with_its_need(
    engine: Engine, recorded: list[tuple[int, Need]], name: str
) -> None:
    service: Callable[..., Any] = _entry_points()[name]
    need = NEEDS[name]
    world = _world()
    arguments = _arguments(name, world, world.interaction_id)

    before = _everything(engine)
    for outsider in _refused(need, world):
        with pytest.raises(AccessDenied):
            service(actor=outsider, **arguments)
    assert _everything(engine) == before, "a refused call wrote something"

    with pytest.raises(NotFound):
        service(actor=_allowed(need, world), **_arguments(name, world, MISSING))

    recorded.clear()
    with contextlib.suppress(InvalidInput):  # e.g. nothing to pick up: after the rule let it in
        service(actor=_allowed(need, world), **arguments)
    assert (world.interaction_id, need) in recorded, f"{name} did not apply the rule"


# -- the handlers: every way in from a browser goes through a proven service -------------------


@functools.cache
def _state_classes() -> list[type[rx.State]]:
    return [
        value
        for module in [agent_workspace.state, *_modules(agent_workspace.state)]
        for value in vars(module).values()
        if inspect.isclass(value)
        and issubclass(value, rx.State)
        and value.__module__ == module.__name__
        and not is_mixin(value)  # its handlers are listed with the states that mix it in
    ]


@functools.cache
def _handlers() -> dict[str, FunctionType]:
    """Every public event handler written in agent_workspace.state ("Class.name"); Reflex's
    own (setvar) only sets a var."""
    return {
        f"{cls.__name__}.{name}": handler.fn
        for cls in _state_classes()
        for name, handler in cls.event_handlers.items()
        if not name.startswith("_") and handler.fn.__module__.startswith("agent_workspace.state")
    }


def _code_of(value: Any) -> FunctionType | None:
    """The function behind a state method, property or event handler, if it is ours."""
    value = getattr(value, "fn", value)  # an EventHandler
    value = getattr(value, "fget", value)  # a property
    value = inspect.unwrap(value) if callable(value) else value
    if inspect.isfunction(value) and value.__module__.startswith("agent_workspace.state"):
        return value
    return None


@functools.cache
def _methods_named(name: str) -> tuple[FunctionType, ...]:
    """Every state method called `name`: `other = await self.get_state(X)` then `other.name()`
    is followed to whichever class has it (more than it reaches, never less)."""
    found = []
    for cls in _state_classes():
        for klass in cls.__mro__:
            if name in vars(klass) and (code := _code_of(vars(klass)[name])) is not None:
                found.append(code)
    return tuple(found)


def _resolved(node: ast.expr, namespace: dict[str, Any]) -> Any:
    if isinstance(node, ast.Name):
        return namespace.get(node.id)
    if isinstance(node, ast.Attribute):
        base = _resolved(node.value, namespace)
        return getattr(base, node.attr, None) if base is not None else None
    return None


@functools.cache
def _refers_to(function: FunctionType) -> tuple[frozenset[str], tuple[FunctionType, ...]]:
    """The service functions `function` names (called or handed to _serve), and the state's
    own methods and functions it uses."""
    services = {id(f): name for name, f in _service_functions().items()}
    named: set[str] = set()
    followed: list[FunctionType] = []
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(function)))):
        if not isinstance(node, ast.Name | ast.Attribute):
            continue
        target = _resolved(node, function.__globals__)
        if id(target) in services:
            named.add(services[id(target)])
        elif (code := _code_of(target)) is not None:
            followed.append(code)
        elif isinstance(node, ast.Attribute):
            followed.extend(_methods_named(node.attr))
    return frozenset(named), tuple(followed)


@functools.cache
def _reached() -> dict[str, frozenset[str]]:
    """Per handler, every service function it reaches through the state's code."""
    result = {}
    for handler, start in _handlers().items():
        reached: set[str] = set()
        seen: set[FunctionType] = set()
        todo = [start]
        while todo:
            if (function := todo.pop()) in seen:
                continue
            seen.add(function)
            named, followed = _refers_to(function)
            reached |= named
            todo.extend(followed)
        result[handler] = frozenset(reached)
    return result


def test_every_handler_reaches_interactions_only_through_the_rule() -> None:
    names_one = set(_entry_points())
    unproven = {
        handler: sorted(reached & names_one - set(NEEDS))
        for handler, reached in _reached().items()
        if reached & names_one - set(NEEDS)
    }
    assert unproven == {}, "a handler reaches an interaction through an unchecked service"


def test_the_handler_walk_finds_the_ways_in() -> None:
    """The walk above sees through _serve, helpers and other states' methods."""
    reached = _reached()
    assert len(reached) > 100
    assert "interactions.work.update_details" in reached["DetailsState.save"]
    assert (
        "interactions.lifecycle.close_by_agent" in reached["InteractionPageState.close_interaction"]
    )
    assert "conversation.messages.history" in reached["InteractionPageState.load_earlier"]
    assert "interactions.supervising.take_over" in reached["SupervisorState.take_over"]
    assert "sending.send.send_sms" in reached["ComposeState.send"]


def test_a_signed_out_tab_changes_nothing_through_any_handler_that_reaches_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each handler the walk finds reaching a service of NEEDS, run on a signed-out tab with
    the interaction in its URL and its form filled, is refused and writes nothing."""
    world = _world()
    iid = world.interaction_id
    monkeypatch.setattr(SessionState, "_interaction_in_url", lambda self: iid)
    form = {
        "interaction_id": iid,
        "from_number": SUPPORT_NUMBER,
        "to_choice": MARIA_PHONE,
        "body": "Hello",
        "short_description": "Changed",
        "reassign_to": str(world.bob.user_id),
    }
    arguments: dict[type, object] = {int: iid, str: "text", bool: True}
    classes = {cls.__name__: cls for cls in _state_classes()}
    before = _everything(engine)
    refused = []
    for handler, reached in sorted(_reached().items()):
        if not reached & set(NEEDS):
            continue
        state: Any = state_for(classes[handler.split(".")[0]], "")
        for var, value in form.items():
            if var in state.vars:
                setattr(state, var, value)
        code = _handlers()[handler]
        hints = typing.get_type_hints(code)
        args = [
            arguments[hints[p.name]]
            for p in list(inspect.signature(code).parameters.values())[1:]
            if p.default is inspect.Parameter.empty
        ]
        result = code(state, *args)
        if inspect.iscoroutine(result):
            result = run(result)
        shown = [str(result), *(str(getattr(state, var)) for var in state.vars)]
        if any("Please sign in first." in text for text in shown):
            refused.append(handler)
    assert _everything(engine) == before
    assert {  # the refusal was shown (others stop earlier: no form filled, or a redirect)
        "ComposeState.send",
        "DetailsState.save",
        "InteractionPageState.close_interaction",
        "InteractionPageState.open",
        "InteractionPageState.pick_up",
        "SupervisorState.join",
        "SupervisorState.reassign",
        "SupervisorState.take_over",
        "TranscriptState.export",
    } <= set(refused)
