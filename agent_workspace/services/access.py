"""Who is acting, and the checks every data-touching action starts with: the role, and for an
interaction the one access rule (domain/access.py) over the actor's standing on it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.access import Need, Standing, may, refusal
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import ACTIVE_STATES, AuthSession, Interaction, Role, User, utcnow
from agent_workspace.services.errors import AccessDenied, InvalidInput, NotFound
from agent_workspace.services.membership import is_member

NO_SUCH_INTERACTION = "That interaction does not exist."


@dataclass(frozen=True)
class Actor:
    """The signed-in user a service acts for; built from a valid session, never from the client."""

    user_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    session_id: int | None = field(default=None, compare=False)  # the sign-in it acts through

    def has(self, role: Role) -> bool:
        return role in self.roles


def require_role(actor: Actor | None, role: Role) -> Actor:
    """Refuses anyone not signed in or without `role`."""
    if actor is None:
        raise AccessDenied(role_refusal(None, (), role))
    if problem := role_refusal(actor.username, actor.roles, role):
        raise AccessDenied(problem)
    return actor


def require_any_role(actor: Actor | None, roles: Collection[Role]) -> Actor:
    """Refuses anyone not signed in or holding none of `roles` (the first is named)."""
    if actor is not None and any(actor.has(role) for role in roles):
        return actor
    return require_role(actor, next(iter(roles)))


def live_session(now: Any = None) -> Any:
    """What makes a session one that may act now, for a query that joins AuthSession and its
    User: not revoked, not expired, the user not deactivated. `now` may be a bound parameter,
    for a statement built once."""
    return sa.and_(
        col(AuthSession.revoked_at).is_(None),
        col(AuthSession.expires_at) > (utcnow() if now is None else now),
        col(User.is_active),
    )


CLI = "cli"


def admin_or_cli(actor: Actor | None, via: str | None) -> Actor | str:
    """Who an administrative change is recorded as: the signed-in administrator, or "system"
    when it comes from the CLI (`actor=None, via=CLI`: whoever runs it already holds the
    server). Anyone else is refused."""
    if actor is None and via == CLI:
        return "system"
    return require_role(actor, Role.ADMIN)


def role_refusal(username: str | None, roles: Collection[str], role: Role) -> str:
    """Why `username` (None: nobody is signed in) holding `roles` may not act with `role`,
    or "" when they may."""
    if username is None:
        return "Please sign in first."
    if role not in roles:
        return f"Your account ({username}) does not have the {role.value} role."
    return ""


def access_interaction(
    session: Session,
    actor: Actor | None,
    interaction_id: int,
    *,
    need: Need = Need.VIEW,
    lock: bool = False,
) -> tuple[Actor, Interaction]:
    """The one rule for acting on an interaction: the actor has the role `need` asks for, the
    interaction exists, and for WORK the actor works on it (assignee, live group, supervisor).

    With `lock`, the interaction is re-read under its phone's lock (the one Send and inbound
    routing take) and its row lock, so what the caller checks next stays true until commit.
    """
    checked = _signed_in_for(actor, need)
    if not is_row_id(interaction_id):  # sent by a client: never a query's parameter
        raise NotFound(NO_SUCH_INTERACTION)
    interaction = session.get(Interaction, interaction_id)
    if interaction is None:
        raise NotFound(f"Interaction {interaction_id} does not exist.")
    if lock:
        if interaction.channel_id is not None and interaction.phone:
            lock_phone(session, interaction.channel_id, interaction.phone)
        session.refresh(interaction, with_for_update=True)
    if need in (Need.WORK, Need.REASSIGN) and not may(
        need, standing(session, checked, interaction)
    ):
        raise AccessDenied(refusal(need, interaction.number))
    return checked, interaction


def _signed_in_for(actor: Actor | None, need: Need) -> Actor:
    """The role `need` asks for: the agent role, a supervisor's, or (to reassign) either a
    supervisor's or an administrator's; the standing on the interaction is checked next."""
    if need is Need.SUPERVISE:
        return require_role(actor, Role.SUPERVISOR)
    if need is Need.REASSIGN and actor is not None and actor.has(Role.ADMIN):
        return actor
    if need is Need.REASSIGN:
        return require_role(actor, Role.SUPERVISOR)
    return require_role(actor, Role.AGENT)


def standing(session: Session, actor: Actor, interaction: Interaction) -> Standing:
    """The actor's standing on the interaction (a fact is read only when it decides)."""
    assignee = interaction.assigned_agent_id == actor.user_id
    supervisor = actor.has(Role.SUPERVISOR)
    admin = actor.has(Role.ADMIN)
    member = (
        not (assignee or supervisor)
        and interaction.id is not None
        and is_member(session, interaction.id, actor.user_id)
    )
    holder = (
        session.get(User, interaction.assigned_agent_id) if interaction.assigned_agent_id else None
    )
    return Standing(
        supervisor=supervisor,
        assignee=assignee,
        member=member,
        admin=admin,
        holder_deactivated=holder is not None and not holder.is_active,
    )


def require_active(interaction: Interaction, refusal: str = "{number} is closed.") -> None:
    """Refuses to act on a closed interaction, in the caller's words (`{number}` is filled)."""
    if interaction.state not in ACTIVE_STATES:
        raise InvalidInput(refusal.format(number=interaction.number))


def may_hear(actor: Actor, need: Need, agents: Collection[int] | None = None) -> bool:
    """The access rule for a push, over the viewer's session alone (no read): the viewer holds
    the role `need` asks for and `may` lets their standing `need` it; a change meant for some
    agents (their own list, their notices) reaches only those."""
    if agents is not None and actor.user_id not in agents:
        return False
    supervisor = actor.has(Role.SUPERVISOR)
    role = supervisor if need is Need.SUPERVISE else actor.has(Role.AGENT)
    return role and may(need, Standing(supervisor=supervisor))
