"""The signed-in user of a browser tab, and the access checks every handler starts with."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, TypeVar

import reflex as rx
from reflex.event import EventSpec

from agent_workspace import reflex_internals
from agent_workspace.domain import times
from agent_workspace.domain.availability import Presence
from agent_workspace.domain.credentials import is_session_token
from agent_workspace.domain.inputs import CHOICE_CHARS, text_problem
from agent_workspace.domain.times import FALLBACK
from agent_workspace.models import Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts import auth, live_views
from agent_workspace.services.errors import AccessDenied, FieldProblems, ServiceError
from agent_workspace.services.interactions import assignment, idle, notices
from agent_workspace.state.live import FEEDS, PANES, Pane, PresenceFeed

T = TypeVar("T")
F = TypeVar("F", bound=rx.SharedState)

LOGIN_ROUTE = "/login"
HOME_ROUTE = "/"
ADMIN_ROUTE = "/admin"


# Ten digits at most: a row id (domain/inputs.py) has no more, and int() of a client's URL of
# thousands of digits raises.
_INTERACTION_PATH = re.compile(r"/interactions/(\d{1,10})/?")


class SessionState(rx.State):
    """Holds the session token (browser local storage) and who it belongs to."""

    token: str = rx.LocalStorage("", name="aw_session")
    username: str = ""
    display_name: str = ""
    roles: list[str] = []
    denied_reason: str = ""
    # The browser's IANA zone (Intl), which assets/workspace.js keeps in this cookie: it comes
    # with the tab's first event, so times are shown in it from the first page on. It is
    # input: every use goes through domain/times.py, which falls back to UTC.
    time_zone: str = rx.Cookie(FALLBACK, name="aw_tz", same_site="strict")
    # What the agent chose in the header (available, away, offline); "" until a page read it.
    presence: str = ""
    presence_error: str = ""
    # After how long with no activity in any of the agent's tabs the browser reports them idle
    # (assets/workspace.js, services/interactions/idle.py); 0: never.
    away_after_ms: int = 0

    async def _off_loop(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Runs a blocking service call in a thread: the loop is shared by every tab."""
        return await rx.run_in_thread(functools.partial(service, **kwargs))

    async def _actor(self) -> Actor | None:
        """The user behind the token, re-checked against the database on every call.

        A tab whose session has ended (signed out in another tab, expired, deactivated) drops
        its live feeds here, at its next event: any event of a linked tab would otherwise
        re-link it and carry the feeds' latest contents back to it.
        """
        if self.token and not is_session_token(self.token):
            self.token = ""  # the client's storage held no token: nothing of it is kept
        actor = await self._off_loop(auth.actor_for_token, token=self.token)
        if actor is None and reflex_internals.links(self):
            await self._unlink_feeds()
        return actor

    async def _require(self, role: Role) -> Actor:
        """Raises AccessDenied unless the tab is signed in with `role` right now."""
        return require_role(await self._actor(), role)

    async def _serve(
        self,
        who: Role | Actor,
        service: Callable[..., T],
        /,
        *,
        show: str = "error",
        on_fields: Callable[[dict[str, str]], None] | None = None,
        **kwargs: Any,
    ) -> T | ServiceError:
        """`service(actor=..., **kwargs)` off the loop; a refusal is shown and returned.

        `who` is the role the tab must hold now (the session is read here, once), or the actor
        a handler already read for an earlier step. A refusal's message goes to the var named
        `show` ("" for nowhere) or, for a FieldProblems, its problems to `on_fields` when given;
        the handler then only says what follows: `if isinstance(result, ServiceError)`.
        """
        try:
            actor = await self._require(who) if isinstance(who, Role) else who
            return await self._off_loop(service, actor=actor, **kwargs)
        except ServiceError as refused:
            if on_fields is not None and isinstance(refused, FieldProblems):
                on_fields(refused.problems)
            elif show:
                setattr(self, show, refused.message)
            return refused

    async def _actor_as(self, role: Role, *, show: str = "error") -> Actor | None:
        """The tab's actor if it holds `role` now, read once for a handler of several steps
        (each `_serve(actor, ...)`); otherwise the refusal goes to the var named `show`."""
        try:
            return await self._require(role)
        except ServiceError as refused:
            if show:
                setattr(self, show, refused.message)
            return None

    async def _link_feed(self, feed_cls: type[F], feed: str, actor: Actor | None = None) -> F:
        """Links this tab to its session's copy of a live feed: pushes reach that copy only
        while the session is valid (services/accounts/live_views.py)."""
        actor = actor or await self._actor()
        token = await self._off_loop(live_views.register, actor=actor, feed=feed)
        return await reflex_internals.link(await self.get_state(feed_cls), token)

    async def _unlink_feeds(self) -> list[Any]:
        """Ends every live feed of this tab (sign-out, another user signing in)."""
        events: list[Any] = []
        for feed_cls in FEEDS:
            if not reflex_internals.is_linked(self, feed_cls):
                continue
            # Only the link goes: touching the shared feed here would send its contents to
            # this tab in the reply. The notifier drops the stale viewer entry at its next push.
            feed = await self.get_state(feed_cls)
            events.extend(await reflex_internals.unlink(feed))
        return events

    def _interaction_in_url(self) -> int | None:
        """The interaction the tab's URL names: handlers trust the URL, not ids sent as args."""
        match = _INTERACTION_PATH.fullmatch(self.router.url.path)
        return int(match.group(1)) if match else None

    def _show_actor(self, actor: Actor | None) -> None:
        self.username = actor.username if actor else ""
        self.display_name = actor.display_name if actor else ""
        self.roles = sorted(r.value for r in actor.roles) if actor else []

    @rx.var
    def zone_label(self) -> str:
        """The zone this tab's times are in, e.g. "Asia/Tokyo (JST, UTC+09:00)"."""
        return times.zone_label(self.time_zone)

    @rx.var
    def signed_in(self) -> bool:
        return bool(self.username)

    @rx.var
    def is_admin(self) -> bool:
        return Role.ADMIN.value in self.roles

    @rx.var
    def is_supervisor(self) -> bool:
        return Role.SUPERVISOR.value in self.roles

    @rx.event
    async def guard_agent_page(self) -> EventSpec | None:
        """on_load of every workspace page: signed out → sign-in page; no agent role → refused."""
        actor = await self._actor()
        self._show_actor(actor)
        if actor is None:
            await self._unlink_feeds()
            self.token = ""
            return rx.redirect(LOGIN_ROUTE)
        try:
            require_role(actor, Role.AGENT)
        except AccessDenied as refused:
            self.denied_reason = refused.message
            return None
        self.denied_reason = ""
        return None

    @rx.event
    async def follow_pane(self, name: str) -> None:
        """on_mount of a live pane's component (state/live.py PANES): this tab follows it."""
        if not isinstance(name, str) or name not in PANES:
            return  # the page names a pane: nothing else is one
        if (actor := await self._actor_as(Role.AGENT, show="")) is not None:
            await self._follow(PANES[name], actor)

    async def _follow(self, pane: Pane, actor: Actor) -> None:
        """Links the tab to its session's copy of a live pane and shows what it holds now;
        the notifier pushes what changes later."""
        key = actor.user_id if pane.by_agent else None
        feed = await self._link_feed(pane.feed, pane.token(key), actor)
        feed._show(await self._off_loop(pane.value, key=key))

    @rx.event
    async def set_presence(self, value: str) -> None:
        """The header's select: the agent's availability (the service checks the value)."""
        if not isinstance(value, str):
            self.presence_error = "Choose Available, Away or Offline."
            return
        saved = await self._serve(
            Role.AGENT, assignment.set_presence, show="presence_error", presence=value[:20]
        )
        if not isinstance(saved, ServiceError):
            await self._show_presence(saved)

    @rx.event
    async def went_idle(self) -> None:
        """The browser saw no activity in the agent's tabs for `away_after_ms`: Available
        turns Away until they act again (a status they chose stays)."""
        await self._idle_change(idle.went_idle)

    @rx.event
    async def came_back(self) -> None:
        """The agent acted again after going idle: back to Available (only if it was idleness
        that made them Away)."""
        await self._idle_change(idle.came_back)

    async def _idle_change(self, service: Callable[..., Presence]) -> None:
        saved = await self._serve(Role.AGENT, service, show="presence_error")
        if not isinstance(saved, ServiceError):
            await self._show_presence(saved)

    async def _show_presence(self, saved: Presence) -> None:
        """This tab shows what it saved at once (the feed's copy too, which its Status select
        shows); the agent's other tabs hear it from the notifier (PresenceChanged)."""
        self.presence, self.presence_error = saved.value, ""
        (await self.get_state(PresenceFeed))._show(saved)

    @rx.event
    async def dismiss_notice(self, notice_id: int) -> None:
        """The agent has read a notice (the live feed drops it in every tab)."""
        await self._serve(Role.AGENT, notices.dismiss, show="", notice_id=notice_id)

    @rx.event
    async def dismiss_all_notices(self) -> None:
        """The agent has read every notice (the live feed empties in every tab)."""
        await self._serve(Role.AGENT, notices.dismiss_all, show="")

    @rx.event
    async def sign_out(self) -> EventSpec:
        await self._unlink_feeds()
        await self._off_loop(auth.sign_out, token=self.token)
        self.token = ""
        self._show_actor(None)
        return rx.redirect(LOGIN_ROUTE)


class LoginState(SessionState):
    """The sign-in form."""

    error: str = ""

    @rx.event
    async def sign_in(self, form_data: dict[str, str]) -> EventSpec | None:
        fields = form_data if isinstance(form_data, dict) else {}
        username, password = fields.get("username"), fields.get("password")
        if not (isinstance(username, str) and username.strip() and isinstance(password, str)):
            self.error = "Enter your username and password."
            return None
        if not password:
            self.error = "Enter your username and password."
            return None
        username = username.strip()
        if problem := text_problem(username, what="The username", limit=CHOICE_CHARS):
            self.error = problem
            return None
        await self._unlink_feeds()  # whatever this tab showed before belongs to its old session
        try:
            token, actor = await self._off_loop(
                auth.sign_in,
                username=username,
                password=password,
                # The socket's peer, or what rxconfig's trusted_proxy_hops reads from
                # X-Forwarded-For: tries are counted per address, never trusted otherwise.
                client_address=self.router.session.client_ip,
            )
        except ServiceError as refused:
            self.error = refused.message
            return None
        self.error = ""
        self.token = token
        self._show_actor(actor)
        return rx.redirect(_home_of(actor))

    @rx.event
    async def redirect_if_signed_in(self) -> EventSpec | None:
        """The login page's load. On a loaded machine it can run after Sign in itself, when
        the tab may have gone on already (a page opened by URL straight after Sign in): the
        tab says where it is now, and only a tab still on the login page is sent home."""
        actor = await self._actor()
        self._show_actor(actor)
        if actor is None:
            await self._unlink_feeds()
            return None
        return rx.call_script("window.location.pathname", callback=LoginState.home_if_on_login)

    @rx.event
    async def home_if_on_login(self, path: str) -> EventSpec | None:
        """The tab's answer to the login page's load: where it is now (the browser's word,
        used only to leave a tab that moved on where it is)."""
        if not isinstance(path, str) or path.rstrip("/") != LOGIN_ROUTE:
            return None
        actor = await self._actor()
        self._show_actor(actor)
        return None if actor is None else rx.redirect(_home_of(actor))


def _home_of(actor: Actor) -> str:
    """Where a signed-in tab goes: Administration for an administrator who is no agent (the
    workspace would refuse them), else the workspace."""
    return ADMIN_ROUTE if actor.has(Role.ADMIN) and not actor.has(Role.AGENT) else HOME_ROUTE
