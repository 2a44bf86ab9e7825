"""The signed-in user of a browser tab, and the access checks every handler starts with."""

from __future__ import annotations

import re

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.models import Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.accounts import auth
from agent_workspace.services.errors import AccessDenied, ServiceError

LOGIN_ROUTE = "/login"
HOME_ROUTE = "/"
ADMIN_ROUTE = "/admin"


_INTERACTION_PATH = re.compile(r"/interactions/(\d+)/?")


class SessionState(rx.State):
    """Holds the session token (browser local storage) and who it belongs to."""

    token: str = rx.LocalStorage("", name="aw_session")
    username: str = ""
    display_name: str = ""
    roles: list[str] = []
    denied_reason: str = ""

    def _actor(self) -> Actor | None:
        """The user behind the token, re-checked against the database on every call."""
        return auth.actor_for_token(self.token)

    def _require(self, role: Role) -> Actor:
        """Raises AccessDenied unless the tab is signed in with `role` right now."""
        return require_role(self._actor(), role)

    def _interaction_in_url(self) -> int | None:
        """The interaction the tab's URL names: handlers trust the URL, not ids sent as args."""
        match = _INTERACTION_PATH.fullmatch(self.router.url.path)
        return int(match.group(1)) if match else None

    def _show_actor(self, actor: Actor | None) -> None:
        self.username = actor.username if actor else ""
        self.display_name = actor.display_name if actor else ""
        self.roles = sorted(r.value for r in actor.roles) if actor else []

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
    def guard_agent_page(self) -> EventSpec | None:
        """on_load of every workspace page: signed out → sign-in page; no agent role → refused."""
        actor = self._actor()
        self._show_actor(actor)
        if actor is None:
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
    def sign_out(self) -> EventSpec:
        auth.sign_out(self.token)
        self.token = ""
        self._show_actor(None)
        return rx.redirect(LOGIN_ROUTE)


class LoginState(SessionState):
    """The sign-in form."""

    error: str = ""

    @rx.event
    def sign_in(self, form_data: dict[str, str]) -> EventSpec | None:
        username = (form_data.get("username") or "").strip()
        password = form_data.get("password") or ""
        if not username or not password:
            self.error = "Enter your username and password."
            return None
        try:
            token, actor = auth.sign_in(username=username, password=password)
        except ServiceError as refused:
            self.error = refused.message
            return None
        self.error = ""
        self.token = token
        self._show_actor(actor)
        if not actor.has(Role.AGENT) and actor.has(Role.ADMIN):
            return rx.redirect(ADMIN_ROUTE)
        return rx.redirect(HOME_ROUTE)

    @rx.event
    def redirect_if_signed_in(self) -> EventSpec | None:
        actor = self._actor()
        self._show_actor(actor)
        return rx.redirect(HOME_ROUTE) if actor is not None else None
