"""A browserless workspace tab: signs in, hydrates, opens interactions and receives pushes over
Reflex's own websocket protocol (benchmarks/reflex_wire.py), so one process holds hundreds.

It does what the page's JavaScript would do for the server to see a real tab: answers pings,
follows `_redirect`s as client-side navigations, and fires the page's mount triggers (the list
re-reads itself when a list feed's version moves; the open conversation marks new messages seen
and re-checks the composer). It renders nothing: a time it records is when the frame arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid
from collections.abc import Iterable
from typing import Any

import aiohttp

from agent_workspace.state.compose import ComposeState
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.interaction_page import InteractionPageState
from agent_workspace.state.live import AgentListFeed, ListsFeed
from agent_workspace.state.session import LoginState, SessionState
from agent_workspace.state.workspace import WorkspaceState
from benchmarks import reflex_wire as wire

TOKEN_VAR = f"{wire.state_name(SessionState)}.{wire.field('token')}"
_HYDRATED = f'"{wire.field("is_hydrated")}":true'
# Frames that carry one of these substates are parsed to drive the page's triggers.
_LIST_FEEDS = {wire.state_name(AgentListFeed): "agent", wire.state_name(ListsFeed): "lists"}
_CONVERSATION = wire.state_name(ConversationFeed)
_SESSION = wire.state_name(SessionState)
_FEED_CHANGED = wire.handler_name(WorkspaceState, "feed_changed")
_SEEN = wire.handler_name(InteractionPageState, "messages_shown")
_REFRESH_PREVIEW = wire.handler_name(ComposeState, "refresh_preview")
_SIGN_IN = wire.handler_name(LoginState, "sign_in")
_SIGN_OUT = wire.handler_name(SessionState, "sign_out")
_PARSE_WHEN = (_SESSION, _CONVERSATION, *_LIST_FEEDS, '"_redirect"', _HYDRATED)
_SHOW_PANE = wire.handler_name(InteractionPageState, "show_pane")
_SET_SCOPE = wire.handler_name(WorkspaceState, "set_scope")


class SessionFailed(RuntimeError):
    """The server refused or dropped the tab, or did not answer in time."""


class AgentTab:
    """One tab. `base_url` is the workspace; `http` is shared by all tabs of a process."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession, timeout: float = 30) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.timeout = timeout
        self.client_token = str(uuid.uuid4())  # the tab's Reflex token (sessionStorage)
        self.session_token = ""  # the sign-in session (localStorage `aw_session`)
        self.path = "/login"
        self.frames = 0
        self.failure: str | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._reader: asyncio.Task[None] | None = None
        self._hydrated = asyncio.Event()
        self._watch: dict[str, asyncio.Future[float]] = {}
        self._versions: dict[str, int] = {}
        self._total: int | None = None
        self._routing: str | None = None
        self._pane = ""

    # -- connecting -------------------------------------------------------------------------

    async def connect(self, path: str = "/login", session_token: str = "") -> None:
        """Opens the socket as a page load of `path` would (with a stored sign-in, if given)."""
        self.path, self.session_token = path, session_token or self.session_token
        url = self.base_url.replace("http", "ws", 1) + wire.socket_path(self.client_token)
        self._ws = await self.http.ws_connect(
            url, protocols=(wire.SUBPROTOCOL,), origin=self.base_url, max_msg_size=0
        )
        opened = await self._ws.receive_str(timeout=self.timeout)
        if wire.classify(opened).kind != "open":
            raise SessionFailed(f"expected Engine.IO open, got {opened[:80]!r}")
        self._hydrated.clear()
        await self._ws.send_str(wire.connect_packet(wire.hydrate_event(path, self._storage())))
        self._reader = asyncio.create_task(self._read(), name=f"wsclient {self.client_token}")
        await self._until_hydrated()

    async def sign_in(self, username: str, password: str) -> str:
        """Submits the sign-in form; follows the redirect to the workspace like the page does."""
        if self._ws is None:
            await self.connect("/login")
        self._hydrated.clear()
        await self.submit_sign_in(username, password)
        await self._until_hydrated()
        if not self.session_token or self.path == "/login":
            raise SessionFailed(f"sign-in as {username} was refused")
        return self.session_token

    async def sign_out(self) -> None:
        """Sign out, as the header's button does; follows the redirect to the sign-in page."""
        self._hydrated.clear()
        await self._send(wire.event(_SIGN_OUT, None, self.path))
        await self._until_hydrated()

    async def submit_sign_in(self, username: str, password: str) -> None:
        """Sends the sign-in form and returns at once; watch for its answer with `expect`."""
        payload = {"form_data": wire.form_data({"username": username, "password": password})}
        await self._send(wire.event(_SIGN_IN, payload, self.path))

    async def open(self, path: str) -> None:
        """A client-side navigation (a click on a row's link): the page's on_load runs again."""
        await self._navigate(path)
        await self._until_hydrated()

    async def choose_list(self, scope: str) -> None:
        """Picks a list in the scope menu (My Interactions, Virtual agent, ...) and waits
        until the tab shows it."""
        shown = self.expect(f'"{wire.field("scope")}":"{scope}"')
        await self._send(wire.event(_SET_SCOPE, {"value": scope}, self.path))
        await asyncio.wait_for(shown, self.timeout)

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._ws is not None and not self._ws.closed:
            with contextlib.suppress(Exception):
                await self._ws.close()

    # -- measuring --------------------------------------------------------------------------

    def expect(self, text: str) -> asyncio.Future[float]:
        """Resolves with the wall-clock time (ms) of the first frame that contains `text`."""
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._watch[text] = future
        return future

    async def round_trip(self) -> float:
        """A cheap event with no database work (the narrow-screen pane switch): ms from
        sending it to its delta, the floor of any Reflex push on this server."""
        self._pane = "details" if self._pane != "details" else "list"
        arrived = self.expect(f'"{wire.field("pane")}":"{self._pane}"')
        started = time.time() * 1000
        await self._send(wire.event(_SHOW_PANE, {"pane": self._pane}, self.path))
        return await asyncio.wait_for(arrived, self.timeout) - started

    # -- the page's behaviour ---------------------------------------------------------------

    def _storage(self) -> dict[str, str]:
        return {TOKEN_VAR: self.session_token} if self.session_token else {}

    async def _navigate(self, path: str) -> None:
        self.path = path
        self._hydrated.clear()
        self._total = self._routing = None
        for body in wire.navigation_events(path, self._storage()):
            await self._send(body)

    async def _until_hydrated(self) -> None:
        try:
            await asyncio.wait_for(self._hydrated.wait(), self.timeout)
        except TimeoutError:
            why = self.failure or "no answer"
            raise SessionFailed(f"{self.path} did not hydrate ({why})") from None
        # The mounted list's triggers read it once (the version is new to the tab).
        if self.path != "/login":
            for feed in ("agent", "lists"):
                payload = {"feed": feed, "version": self._versions.get(feed, 0)}
                await self._send(wire.event(_FEED_CHANGED, payload, self.path))

    async def _send(self, body: dict[str, Any]) -> None:
        if self._ws is None or self._ws.closed:
            raise SessionFailed(f"socket closed ({self.failure or 'by the server'})")
        await self._ws.send_str(wire.event_packet(body))

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for message in self._ws:
                if message.type != aiohttp.WSMsgType.TEXT:
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.ERROR):
                        break
                    continue
                await self._on_frame(wire.classify(message.data), time.time() * 1000)
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a tab that breaks is reported, never hidden
            self.failure = f"{type(error).__name__}: {error}"
        else:
            self.failure = self.failure or "socket closed by the server"
        finally:
            self._hydrated.set()  # wake waiters; they see `failure`

    async def _on_frame(self, frame: wire.Frame, at_ms: float) -> None:
        if frame.kind == "ping":
            assert self._ws is not None
            await self._ws.send_str(wire.PONG)
            return
        if frame.kind in ("connect_error", "disconnect"):
            self.failure = f"server said {frame.raw[:200]}"
            self._hydrated.set()
            return
        if frame.kind != "event":
            return
        self.frames += 1
        for text, future in list(self._watch.items()):
            if not future.done() and text in frame.raw:
                future.set_result(at_ms)
        raw = frame.raw
        if not any(marker in raw for marker in _PARSE_WHEN):
            return
        update = frame.update()
        await self._react(update)
        if _HYDRATED in raw:
            self._hydrated.set()

    async def _react(self, update: dict[str, Any]) -> None:
        delta = update.get("delta") or {}
        token = wire.var_value(delta, SessionState, "token")
        if isinstance(token, str):
            self.session_token = token
        for name, feed in _LIST_FEEDS.items():
            version = (delta.get(name) or {}).get(wire.field("version"))
            if isinstance(version, int) and version != self._versions.get(feed):
                self._versions[feed] = version
                if self._hydrated.is_set():
                    payload = {"feed": feed, "version": version}
                    await self._send(wire.event(_FEED_CHANGED, payload, self.path))
        total = wire.var_value(delta, ConversationFeed, "total")
        if isinstance(total, int) and total != self._total:
            self._total = total
            await self._send(wire.event(_SEEN, {"total": total}, self.path))
        # As the page: the preview is re-checked when what Send depends on changed.
        routing = wire.var_value(delta, ConversationFeed, "routing")
        if isinstance(routing, str) and routing != self._routing:
            self._routing = routing
            version = self._total or 0
            await self._send(wire.event(_REFRESH_PREVIEW, {"_version": version}, self.path))
        for path in wire.redirects(update):
            await self._navigate(path)


def http_session() -> aiohttp.ClientSession:
    """One connection pool for every tab of the process (no per-host limit)."""
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))


async def open_tabs(
    base_url: str,
    http: aiohttp.ClientSession,
    sign_ins: Iterable[tuple[str, str]],
    path: str,
    concurrency: int = 8,
) -> list[AgentTab]:
    """Signs each (username, password) in, in its own tab, and opens `path`; a few at a time
    (a crowd arriving at once is a different benchmark)."""
    gate = asyncio.Semaphore(concurrency)

    async def one(username: str, password: str) -> AgentTab:
        async with gate:
            tab = AgentTab(base_url, http)
            try:
                await tab.sign_in(username, password)
                if path != tab.path:
                    await tab.open(path)
            except BaseException:
                await tab.close()
                raise
            return tab

    return list(await asyncio.gather(*(one(u, p) for u, p in sign_ins)))


async def close_tabs(tabs: Iterable[AgentTab]) -> None:
    await asyncio.gather(*(tab.close() for tab in tabs))
