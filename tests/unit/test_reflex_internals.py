"""The contract of agent_workspace/reflex_internals.py: every private part of Reflex it uses is
still there, in the shape it uses. A Reflex upgrade that changes one fails here, by name, rather
than as a feed that silently stops updating."""

from __future__ import annotations

import inspect
from importlib.metadata import version

import reflex as rx
from reflex.app import App, EventNamespace
from reflex.istate import manager
from reflex.state import BaseState
from reflex.utils.token_manager import LocalTokenManager, SocketRecord, TokenManager

from agent_workspace import reflex_internals


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_the_reflex_this_adapter_was_written_for() -> None:
    """Reflex is pinned; moving the pin means reading this module against the new version."""
    assert version("reflex") == "0.10.1"


def test_shared_state_links() -> None:
    assert "_reflex_internal_links" in rx.State.__annotations__
    field = rx.State.__dict__["_reflex_internal_links"]
    assert field.annotated_type == dict[str, str] | None
    assert inspect.iscoroutinefunction(rx.SharedState._link_to)
    assert _parameters(rx.SharedState._link_to) == ["self", "token"]
    assert inspect.iscoroutinefunction(rx.SharedState._unlink)
    assert _parameters(rx.SharedState._unlink) == ["self"]
    assert "_linked_from" in rx.SharedState.__annotations__


def test_state_mixins() -> None:
    class Part(rx.State, mixin=True):
        pass

    class Whole(Part, rx.State):
        pass

    assert reflex_internals.is_mixin(Part)
    assert not reflex_internals.is_mixin(Whole)


def test_a_copy_changed_outside_a_tabs_event() -> None:
    assert inspect.iscoroutinefunction(BaseState._get_resolved_delta)
    assert _parameters(BaseState._get_resolved_delta) == ["self"]
    assert _parameters(BaseState._clean) == ["self"]
    assert _parameters(App.set_contexts) == ["self"]
    assert isinstance(inspect.getattr_static(App, "state_manager"), property)
    assert "self._token_manager = TokenManager.create()" in inspect.getsource(
        EventNamespace.__init__
    )


def test_connected_tabs() -> None:
    assert inspect.iscoroutinefunction(TokenManager.is_token_connected)
    assert _parameters(TokenManager.is_token_connected) == ["self", "token"]
    local = LocalTokenManager()  # type: ignore[no-untyped-call]
    assert isinstance(local.instance_id, str) and local.token_to_socket == {}
    record = SocketRecord(instance_id=local.instance_id, sid="a-socket")
    assert (record.sid, record.instance_id) == ("a-socket", local.instance_id)


def test_a_requests_state_manager() -> None:
    assert _parameters(manager.get_state_manager) == []
    assert inspect.getsource(reflex_internals.tab_state).count("get_state_manager()") == 1
