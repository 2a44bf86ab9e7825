"""Administration of accounts: create, reset a password, unlock sign-in (roles, deactivating
and reactivating, and handing on a deactivated agent's work are in admin_offboarding.py).

Every handler re-checks the admin role on the server (the services refuse anyone else). When
another admin changed the same account a moment earlier, the list is reloaded and the message
says what happened, so the screen never shows a state that is not true.
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import CHOICE_CHARS, text_problem
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import roles, users
from agent_workspace.services.accounts.users import UserView
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.admin_setup import ChannelAdminState
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState

ROLE_NAMES = {
    Role.AGENT.value: "Agent",
    Role.SUPERVISOR.value: "Supervisor",
    Role.ADMIN.value: "Administrator",
}
VIA = "admin page"
FIELDS = ("username", "display_name", "email", "password", "roles")


@dataclasses.dataclass
class UserItem:
    username: str
    display_name: str
    is_active: bool
    agent: bool
    supervisor: bool
    admin: bool
    paused: bool  # sign-in paused after failed tries


def with_first_steps(said: str) -> list[EventSpec]:
    """A success toast saying `said`, then First steps read again: an account that gained or
    lost the agent role may be the agent a fresh install waited for (or its last one)."""
    return [rx.toast.success(said), ChannelAdminState.load]


def _item(view: UserView) -> UserItem:
    held = set(view.roles)
    return UserItem(
        view.username,
        view.display_name,
        view.is_active,
        Role.AGENT in held,
        Role.SUPERVISOR in held,
        Role.ADMIN in held,
        view.paused,
    )


class UsersAdminState(SessionState):
    accounts: list[UserItem] = []
    error: str = ""
    # The create form.
    form: dict[str, str] = {"username": "", "display_name": "", "email": "", "password": ""}
    form_roles: list[str] = [Role.AGENT.value]
    problems: dict[str, str] = {f: "" for f in FIELDS}
    # Reset password: for whom, the new password, and why it was refused.
    reset_for: str = ""
    reset_password: str = ""
    reset_error: str = ""

    async def _reload(self, who: Role | Actor, *, show: str = "") -> None:
        """The list as it is now (after a change or a refusal), if this tab may see it."""
        found = await self._serve(who, roles.list_users, show=show)
        if not isinstance(found, ServiceError):
            self.accounts = [_item(v) for v in found]

    def _mark(self, problems: dict[str, str]) -> None:
        self.problems = {f: problems.get(f, "") for f in FIELDS}

    @rx.event
    async def load(self) -> None:
        await self._reload(Role.ADMIN, show="error")

    @rx.event
    def set_form(self, name: str, value: str) -> None:
        """One field of the create form; no other key is kept."""
        if problem := choice_refusal(self, Role.ADMIN, name, self.form, what="a field"):
            self.error = problem
            return
        if problem := typed_refusal(self, Role.ADMIN, value, what="The field"):
            self.problems = {**self.problems, name: problem}
            return
        self.form = {**self.form, name: value}

    @rx.event
    def toggle_form_role(self, role: str, on: bool) -> None:
        if problem := choice_refusal(self, Role.ADMIN, role, ROLE_NAMES, what="a role"):
            self.problems = {**self.problems, "roles": problem}
            return
        kept = [r for r in self.form_roles if r != role]
        self.form_roles = [*kept, role] if on is True else kept

    def _account_refusal(self, username: object) -> str:
        """Why `username` names no account an admin acts on here (it is the list's)."""
        return typed_refusal(self, Role.ADMIN, username, what="The username", limit=CHOICE_CHARS)

    @rx.event
    async def create(self) -> EventSpec | list[EventSpec] | None:
        self.problems = {f: "" for f in FIELDS}
        self.error = ""
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        view = await self._serve(
            actor,
            users.add_user,
            on_fields=self._mark,
            username=self.form["username"],
            display_name=self.form["display_name"],
            password=self.form["password"],
            roles=[Role(r) for r in self.form_roles],
            email=self.form["email"].strip() or None,
            via=VIA,
        )
        if isinstance(view, ServiceError):
            return None
        self.form = {k: "" for k in self.form}
        self.form_roles = [Role.AGENT.value]
        await self._reload(actor)
        return with_first_steps(f"Created {view.username}; they can sign in now.")

    @rx.event
    async def unlock(self, username: str) -> EventSpec | None:
        """Lifts the account's sign-in pauses (guessed at from elsewhere); audited. The service
        checks the admin role; the name is only checked to be one."""
        self.error = text_problem(username, what="The username", limit=CHOICE_CHARS)
        if self.error:
            return None
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        lifted = await self._serve(actor, users.unlock_user, username=username, via=VIA)
        await self._reload(actor)
        if isinstance(lifted, ServiceError):
            return None
        if not lifted:
            return rx.toast.info(f"Sign-in of {username} was not paused (it ended meanwhile).")
        return rx.toast.success(f"Sign-in of {username} is no longer paused.")

    @rx.event
    def start_reset(self, username: str) -> None:
        if problem := self._account_refusal(username):
            self.error = problem
            return
        self.reset_for, self.reset_password, self.reset_error = username, "", ""

    @rx.event
    def cancel_reset(self) -> None:
        self.reset_for = self.reset_password = self.reset_error = ""

    @rx.event
    def set_reset_password(self, value: str) -> None:
        if problem := typed_refusal(self, Role.ADMIN, value, what="The password"):
            self.reset_error = problem
            return
        self.reset_password = value

    @rx.event
    async def save_reset(self) -> EventSpec | None:
        revoked = await self._serve(
            Role.ADMIN,
            users.reset_password,
            show="reset_error",
            username=self.reset_for,
            password=self.reset_password,
            via=VIA,
        )
        if isinstance(revoked, ServiceError):
            return None
        who = self.reset_for
        self.reset_for = self.reset_password = self.reset_error = ""
        return rx.toast.success(f"New password set for {who}; {revoked} session(s) ended.")
