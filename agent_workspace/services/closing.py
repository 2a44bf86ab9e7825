"""Closing an interaction from the workspace, by someone who works on it."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    InteractionState,
    LiveGroupMember,
    Role,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.interactions import close_interaction, watcher_ids

CLOSING_STATES = (InteractionState.CLOSED_COMPLETE, InteractionState.CLOSED_ABANDONED)


def close_by_agent(
    *,
    actor: Actor | None,
    interaction_id: int,
    state: InteractionState = InteractionState.CLOSED_COMPLETE,
    engine: Engine | None = None,
) -> str:
    """The assignee, a live-group member or a supervisor closes it; returns its number."""
    agent = require_role(actor, Role.AGENT)
    if state not in CLOSING_STATES:
        raise InvalidInput("An interaction closes as complete or abandoned.")
    with transaction(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        if interaction is None:
            raise NotFound(f"Interaction {interaction_id} does not exist.")
        if interaction.state not in ACTIVE_STATES:
            raise InvalidInput(f"{interaction.number} is already closed.")
        member = session.exec(
            select(LiveGroupMember.id).where(
                LiveGroupMember.interaction_id == interaction_id,
                LiveGroupMember.agent_id == agent.user_id,
                col(LiveGroupMember.left_at).is_(None),
            )
        ).first()
        works_on_it = interaction.assigned_agent_id == agent.user_id or member is not None
        if not works_on_it and not agent.has(Role.SUPERVISOR):
            raise InvalidInput(
                f"Only the assigned agent, the live group or a supervisor can close "
                f"{interaction.number}."
            )
        affected = watcher_ids(session, interaction_id)
        close_interaction(
            session=session,
            actor=agent,
            interaction=interaction,
            state=state,
            reason="closed by agent",
        )
        events.after_commit(session, events.InteractionChanged(interaction_id, frozenset(affected)))
        return interaction.number
