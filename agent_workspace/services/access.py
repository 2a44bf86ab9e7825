"""Who is acting, and the role checks every data-touching action starts with."""

from __future__ import annotations

from dataclasses import dataclass

from agent_workspace.models import Role
from agent_workspace.services.errors import AccessDenied


@dataclass(frozen=True)
class Actor:
    """The signed-in user a service acts for; built from a valid session, never from the client."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[Role]

    def has(self, role: Role) -> bool:
        return role in self.roles


def require_role(actor: Actor | None, role: Role) -> Actor:
    """Refuses anyone not signed in or without `role`."""
    if actor is None:
        raise AccessDenied("Please sign in first.")
    if not actor.has(role):
        raise AccessDenied(f"Your account ({actor.username}) does not have the {role.value} role.")
    return actor
