"""Who holds an interaction: the one write of its assignee, and who may be one. Shared by take
over, reassign, pick up, transfer and automatic assignment, so they cannot drift apart."""

from __future__ import annotations

from sqlmodel import Session, select

from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import Interaction, Role, User, UserRole, utcnow
from agent_workspace.services.errors import InvalidInput, NotFound


def assign(session: Session, interaction: Interaction, agent_id: int | None) -> int | None:
    """Makes `agent_id` the assignee, or with None the virtual agent (back to the queue, where
    Pick up takes it); returns the agent it was with (None: nobody). Shared by take over,
    reassign, pick up and transfer, so they cannot drift apart."""
    previous = interaction.assigned_agent_id
    interaction.assigned_agent_id = agent_id
    interaction.virtual_agent = agent_id is None
    interaction.updated_at = utcnow()
    session.add(interaction)
    session.flush()
    return previous


def assignable(session: Session, agent_id: int) -> User:
    """The agent work may be handed to: an active account with the agent role; else refused
    in words that say which it is not (reassign and transfer alike)."""
    user = session.get(User, agent_id) if is_row_id(agent_id) else None
    if user is None:
        raise NotFound("That agent does not exist.")
    is_agent = session.exec(
        select(UserRole.user_id).where(UserRole.user_id == agent_id, UserRole.role == Role.AGENT)
    ).first()
    if not user.is_active or is_agent is None:
        why = "is deactivated" if not user.is_active else "does not have the agent role"
        raise InvalidInput(f"{user.display_name} {why} and cannot be assigned interactions.")
    return user
