"""Reflex 0.10.1's private internals, used from here only: an upgrade of Reflex is this file and
its contract test (tests/unit/test_reflex_internals.py), which fails when one of them changes.

What the workspace needs that Reflex has no public API for: a tab's links to live feeds (shared
states), a shared copy changed outside any tab's event with its delta sent by the notifier, which
tabs are connected, and the state manager of the request an ASGI middleware is in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import AbstractContextManager, asynccontextmanager
from typing import Any, TypeVar

import reflex as rx
from reflex.istate.manager import get_state_manager
from reflex.state import BaseState

S = TypeVar("S", bound=rx.State)


# Links between a tab's state and the shared copies of its feeds (reflex/istate/shared.py).


def links(state: rx.State) -> Mapping[str, str]:
    """The feeds the tab is linked to: each feed class's full name -> its shared copy's token."""
    return state._reflex_internal_links or {}


def is_linked(state: rx.State, feed_cls: type[rx.State]) -> bool:
    return feed_cls.get_full_name() in links(state)


async def link(feed: S, token: str) -> S:
    """Links the tab's feed to the shared copy named `token`; returns the linked copy."""
    linked: S = await feed._link_to(token)  # type: ignore[attr-defined]
    return linked


async def unlink(feed: rx.State) -> list[Any]:
    """Ends the tab's link to its feed's copy; returns the events Reflex asks to run."""
    return list(await feed._unlink() or [])  # type: ignore[attr-defined]


def is_mixin(state_cls: type[rx.State]) -> bool:
    """A state mixin (`class X(rx.State, mixin=True)`): its handlers run only as part of the
    states that mix it in, never as a substate of their own."""
    return bool(state_cls._mixin)


def linked_tabs(copy: rx.State) -> list[str]:
    """The tabs linked to a shared copy, by their client tokens."""
    return sorted(copy._linked_from)  # type: ignore[attr-defined]


# Changing a shared copy outside any tab's event (the notifier), and sending its delta.


def app_contexts(app: rx.App) -> AbstractContextManager[object]:
    """The contexts an event handler runs in (the app, its state manager), for work done
    outside any event: changing a copy and emitting to tabs."""
    return app.set_contexts()


@asynccontextmanager
async def modified(app: rx.App, token: str, cls: type[rx.State]) -> AsyncIterator[Any]:
    """The root state of `token` (a shared copy's name), locked and written back on exit."""
    async with app.state_manager.modify_state(rx.BaseStateToken(ident=token, cls=cls)) as root:
        yield root


async def take_delta(root: BaseState) -> dict[str, Any]:
    """What changed in the state since it was last sent, resolved (computed vars included);
    marks it sent."""
    delta: dict[str, Any] = await root._get_resolved_delta()
    root._clean()  # type: ignore[no-untyped-call]
    return delta


async def is_connected(app: rx.App, tab: str) -> bool:
    """Whether the tab is connected to some worker (through Redis when there are several)."""
    return bool(await app.event_namespace._token_manager.is_token_connected(tab))  # type: ignore[union-attr]


def local_tabs(app: rx.App) -> list[str]:
    """The socket ids of the tabs connected to this worker: the token manager keeps a record
    per tab and the instance it is connected to."""
    manager = app.event_namespace._token_manager  # type: ignore[union-attr]
    here = manager.instance_id
    return [r.sid for r in list(manager.token_to_socket.values()) if r.instance_id == here]


# The state of a tab from an ASGI middleware in front of Reflex's routes.


async def tab_state(client_token: str, cls: type[S]) -> S:
    """The tab's state `cls`, read without taking the tab's lock, from the state manager that
    Reflex's context middleware set for the request."""
    root = await get_state_manager().get_state(rx.BaseStateToken(ident=client_token, cls=cls))
    state: S = await root.get_state(cls)
    return state
