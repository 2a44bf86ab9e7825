"""An anonymous client that names server-kept state in its socket's token, as an attacker would.

A signed-in tab's live feeds are kept in Reflex's state manager under names the server picks;
a socket.io client chooses its own token in the connect URL (`/_event/?token=...`), and a
hydrate answers with whatever state that token names. The attack reads the database for every
name the server uses (and the names it used to use) and tries each one.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import threading
import uuid
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

import aiohttp
import httpx
import sqlalchemy as sa

from agent_workspace.db.engine import make_engine
from benchmarks import reflex_wire as wire
from benchmarks import wsclient
from tests.support.servers import WorkspaceServer

WAIT_S = 20  # a bound on each wait, not a speed figure
MARIA, SUPPORT = "+14155550123", "+14155550100"
T = TypeVar("T")


@dataclass
class Attempt:
    """What one anonymous socket got: refused at the handshake, or the frames it was sent."""

    token: str
    refused: int | None = None  # the HTTP status of a refused handshake
    frames: list[str] = field(default_factory=list)


def names_an_attacker_tries(database_url: str) -> list[str]:
    """Every name a live feed's copy is or was kept under, from the server's own records: the
    names the server links tabs to now (live_views.copy_token, when it exists) and the
    sequential ones it used before (`<feed>s<session id>`, the bare feed)."""
    from agent_workspace.services.accounts import live_views

    names: list[str] = []
    for feed, session_id, token_hash in _views(database_url):
        names += [f"{feed}s{session_id}", feed]
        copy_token = getattr(live_views, "copy_token", None)
        if copy_token is not None:
            names.append(copy_token(feed, session_id, token_hash))
    return sorted(set(names))


def copies_of(database_url: str, session_token: str) -> list[str]:
    """The names of one signed-in session's copies of its feeds."""
    from agent_workspace.services.accounts import live_views
    from agent_workspace.services.accounts.auth import token_hash

    mine = token_hash(session_token)
    return [
        live_views.copy_token(feed, session_id, hashed)
        for feed, session_id, hashed in _views(database_url)
        if hashed == mine
    ]


def _views(database_url: str) -> list[Any]:
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT v.feed, v.session_id, s.token_hash FROM live_view v "
                    "JOIN auth_session s ON s.id = v.session_id"
                )
            ).all()
    finally:
        engine.dispose()
    return list(rows)


async def anonymous_read(base_url: str, token: str, path: str = "/interactions/1") -> Attempt:
    """Connects with `token` and hydrates `path` as a page load would, signed in as nobody;
    returns every frame until the hydrate's answer (or the server's refusal)."""
    attempt = Attempt(token)
    url = base_url.replace("http", "ws", 1) + wire.socket_path(token)
    async with aiohttp.ClientSession() as http:
        try:
            ws = await http.ws_connect(url, protocols=(wire.SUBPROTOCOL,), origin=base_url)
        except aiohttp.WSServerHandshakeError as refused:
            attempt.refused = refused.status
            return attempt
        try:
            opened = await ws.receive_str(timeout=WAIT_S)
            attempt.frames.append(opened)
            await ws.send_str(wire.connect_packet(wire.hydrate_event(path, {})))
            while True:
                message = await ws.receive(timeout=WAIT_S)
                if message.type != aiohttp.WSMsgType.TEXT:
                    return attempt  # closed by the server
                attempt.frames.append(message.data)
                if message.data == wire.PING:
                    await ws.send_str(wire.PONG)
                if f'"{wire.field("is_hydrated")}":true' in message.data:
                    return attempt
                if wire.classify(message.data).kind in ("connect_error", "disconnect"):
                    return attempt
        finally:
            with contextlib.suppress(Exception):
                await ws.close()


def polling_handshake(base_url: str, token: str) -> int:
    """The status of an Engine.IO long-polling handshake naming `token` (the other transport)."""
    answer = httpx.get(
        f"{base_url}/_event/", params={"EIO": "4", "transport": "polling", "token": token}
    )
    return answer.status_code


async def secret_in_an_open_conversation(server: WorkspaceServer) -> tuple[str, Any]:
    """Alice signs in and opens IMS0001001; Maria texts a card number, which Alice's tab shows.
    Returns the text and the tab (still open: its session is live while the attack runs)."""
    secret = f"my card is 4111 1111 1111 {secrets.randbelow(10_000):04d}"
    http = wsclient.http_session()
    tab = wsclient.AgentTab(server.url, http, timeout=WAIT_S)
    await tab.sign_in("alice", "alice-demo-pass")
    await tab.open("/interactions/1")
    shown = tab.expect(secret)
    async with httpx.AsyncClient() as client:
        answer = await client.post(
            f"{server.simulator_url}/_sim/inbound",
            json={"from": MARIA, "to": SUPPORT, "body": secret},
            timeout=WAIT_S,
        )
        answer.raise_for_status()
    await asyncio.wait_for(shown, WAIT_S)
    return secret, (tab, http)


async def close_tab(opened: Any) -> None:
    tab, http = opened
    await tab.close()
    await http.close()


def fresh_client_token() -> str:
    """A token as the browser makes one (a version-4 UUID)."""
    return str(uuid.uuid4())


def in_own_thread(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Playwright's sync fixtures leave a loop in the main thread: run ours on another."""
    result: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(main()))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result[0]
