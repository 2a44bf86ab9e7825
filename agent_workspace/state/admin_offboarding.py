"""Taking an agent off the desk and back: removing a role and deactivating ask first,
reactivating undoes a deactivation, and a deactivated agent's open work is handed on here by
the administrator (who cannot open the supervisor board).

Removing a role or deactivating ends the account's sessions: its open tabs lose every feed and
go to sign-in within seconds (web/notifier.py drop_ended).
"""

from __future__ import annotations

import dataclasses

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.inputs import CHOICE_CHARS, is_choice, text_problem
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import roles, users
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import supervising
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.state.admin_users import (
    ROLE_NAMES,
    VIA,
    UsersAdminState,
    with_first_steps,
)
from agent_workspace.state.views import Choice

DEACTIVATE, REMOVE_ROLE = "deactivate", "remove_role"


@dataclasses.dataclass
class OpenWork:
    id: int
    number: str
    person: str
    link: str


def _open_work(rows: list[InteractionRow] | tuple[InteractionRow, ...]) -> list[OpenWork]:
    return [
        OpenWork(r.id, r.number, r.person_name or r.phone, f"/interactions/{r.id}") for r in rows
    ]


class OffboardingState(UsersAdminState):
    # The change the administrator is asked to confirm.
    asking: str = ""  # DEACTIVATE, REMOVE_ROLE or ""
    asking_user: str = ""
    asking_role: str = ""
    question: str = ""
    # A deactivated account's open interactions, and whom to hand them to.
    work_of: str = ""
    open_work: list[OpenWork] = []
    agents: list[Choice] = []
    hand_to: str = ""

    def _name_problem(self, username: object) -> str:
        return text_problem(username, what="The username", limit=CHOICE_CHARS)

    @rx.event
    def ask_deactivate(self, username: str) -> None:
        if problem := self._name_problem(username):
            self.error = problem
            return
        self.asking, self.asking_user, self.asking_role = DEACTIVATE, username, ""
        self.question = (
            f"Deactivate {username}? Their open tabs go to sign-in at once and they cannot "
            "sign in until an administrator reactivates them. Their open interactions are "
            "listed next, to hand on."
        )

    @rx.event
    async def change_role(
        self, username: str, role: str, on: bool
    ) -> EventSpec | list[EventSpec] | None:
        """Granting a role is done at once; removing one asks first."""
        self.error = self._name_problem(username)
        if not self.error and not is_choice(role, ROLE_NAMES):
            self.error = "Choose a role from the list."
        if self.error:
            return None
        if on is True:
            return await self._set_role(username, role, True)
        self.asking, self.asking_user, self.asking_role = REMOVE_ROLE, username, role
        self.question = (
            f"Remove the {ROLE_NAMES[role]} role from {username}? Their open tabs go to "
            "sign-in at once; they sign in again with the roles they keep."
        )
        return None

    @rx.event
    def cancel(self) -> None:
        self.asking = self.asking_user = self.asking_role = self.question = ""

    @rx.event
    async def confirm(self) -> EventSpec | list[EventSpec] | None:
        asking, username, role = self.asking, self.asking_user, self.asking_role
        self.cancel()
        if asking == DEACTIVATE:
            return await self._deactivate(username)
        if asking == REMOVE_ROLE:
            return await self._set_role(username, role, False)
        return None

    async def _set_role(
        self, username: str, role: str, on: bool
    ) -> EventSpec | list[EventSpec] | None:
        name = ROLE_NAMES[role]
        change = roles.grant_role if on else roles.revoke_role
        done = await self._serve(Role.ADMIN, change, username=username, role=Role(role))
        # Read again: a removed role ends the account's sessions, perhaps this tab's own.
        await self._reload(Role.ADMIN)
        if isinstance(done, ServiceError):
            return None
        _, changed = done
        if not changed:
            state = "already had" if on else "no longer had"
            return rx.toast.info(f"{username} {state} the {name} role (changed meanwhile).")
        if on:
            return with_first_steps(f"{username} now has the {name} role.")
        return with_first_steps(f"{username} no longer has the {name} role; signed out.")

    async def _deactivate(self, username: str) -> EventSpec | list[EventSpec] | None:
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        done = await self._serve(actor, users.deactivate_user, username=username, via=VIA)
        if isinstance(done, ServiceError):
            return None
        await self._reload(actor)
        await self._show_work(actor, username, done.open_interactions)
        if not done.changed:
            return rx.toast.info(f"{username} was already deactivated.")
        return with_first_steps(f"Deactivated {username}; their sessions have ended.")

    @rx.event
    async def reactivate(self, username: str) -> EventSpec | list[EventSpec] | None:
        if problem := self._name_problem(username):
            self.error = problem
            return None
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        changed = await self._serve(actor, users.reactivate_user, username=username, via=VIA)
        await self._reload(actor)
        if isinstance(changed, ServiceError):
            return None
        if self.work_of == username:
            self.work_of, self.open_work = "", []
        if not changed:
            return rx.toast.info(f"{username} was already active.")
        return with_first_steps(f"Reactivated {username}; they can sign in again.")

    @rx.event
    async def show_work(self, username: str) -> None:
        """A deactivated account's open interactions, to hand on."""
        if problem := self._name_problem(username):
            self.error = problem
            return
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return
        rows = await self._serve(actor, users.open_work_of, username=username)
        if isinstance(rows, ServiceError):
            return
        await self._show_work(actor, username, rows)

    async def _show_work(
        self, actor: Actor, username: str, rows: list[InteractionRow] | tuple[InteractionRow, ...]
    ) -> None:
        self.work_of, self.open_work = username, _open_work(rows)
        found = await self._off_loop(roles.list_agents, actor=actor)
        self.agents = [Choice(str(a.id), a.display_name) for a in found]
        self.hand_to = ""

    @rx.event
    def set_hand_to(self, value: str) -> None:
        if not is_choice(value, [a.value for a in self.agents]):
            self.error = "Choose an agent from the list."
            return
        self.hand_to = value

    @rx.event
    async def hand_on(self) -> EventSpec | None:
        """Reassigns every open interaction listed to the chosen agent (each audited, both
        agents told), then lists what is left."""
        if not self.hand_to:
            self.error = "Choose the agent to hand the interactions to."
            return None
        to = next(a for a in self.agents if a.value == self.hand_to)
        moved = []
        if (actor := await self._actor_as(Role.ADMIN)) is None:
            return None
        for item in self.open_work:
            done = await self._serve(
                actor, supervising.reassign, interaction_id=item.id, agent_id=int(to.value)
            )
            if isinstance(done, ServiceError):
                break
            moved.append(item.number)
        rows = await self._off_loop(users.open_work_of, actor=actor, username=self.work_of)
        self.open_work = _open_work(rows)
        if not moved:
            return None
        return rx.toast.success(f"{', '.join(moved)} handed to {to.label}.")
