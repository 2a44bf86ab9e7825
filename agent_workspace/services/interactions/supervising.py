"""What a supervisor does to an interaction: join or leave its live group, reassign it, take it
over. Each locks the interaction (as Send does), writes audit rows, and tells the agents whose
work changed with a notice, after commit.

Reassigning hands the work over: the new assignee joins the live group (reason "reassigned")
and the previous one leaves it (same reason), so their My Interactions and the per-agent counts
stop showing work that is no longer theirs; the notice tells them where it went. Taking over is
different: the supervisor steps in beside the agent, who stays in the live group.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.access import Need
from agent_workspace.models import Interaction, LiveGroupReason, Role, User
from agent_workspace.services import events
from agent_workspace.services.access import (
    Actor,
    access_interaction,
    require_active,
    require_role,
)
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.interactions.assignee import assign, assignable
from agent_workspace.services.interactions.lists import watcher_ids
from agent_workspace.services.interactions.live_group import join_live_group, leave_live_group
from agent_workspace.services.interactions.notices import notify


@dataclass(frozen=True)
class Outcome:
    number: str
    changed: bool  # False: it already was so, and nothing was written


def take_over(*, actor: Actor | None, interaction_id: int, engine: Engine | None = None) -> str:
    """The supervisor becomes the assignee (from an agent or the virtual agent) and joins the
    live group; earlier members stay in it. Returns the interaction's number."""
    supervisor = _supervising_agent(actor)
    with transaction(engine) as session:
        interaction = _locked(session, supervisor, interaction_id, "take over")
        if interaction.assigned_agent_id == supervisor.user_id:
            raise InvalidInput(f"{interaction.number} is already assigned to you.")
        affected = watcher_ids(session, interaction_id)
        before = "virtual agent" if interaction.virtual_agent else interaction.assigned_agent_id
        previous = assign(session, interaction, supervisor.user_id)
        join_live_group(
            session=session,
            actor=supervisor,
            interaction=interaction,
            agent_id=supervisor.user_id,
            reason=LiveGroupReason.TOOK_OVER,
        )
        record(
            session=session,
            actor=supervisor,
            action=AuditAction.INTERACTION_TAKEN_OVER,
            entity=interaction,
            detail={"number": interaction.number, "from": before},
        )
        if previous is not None:
            notify(
                session,
                agent_id=previous,
                text=f"{supervisor.display_name} took over {interaction.number}; it is theirs now.",
                interaction_id=interaction_id,
            )
        _changed(session, interaction_id, affected | {supervisor.user_id})
        return interaction.number


def reassign(
    *, actor: Actor | None, interaction_id: int, agent_id: int, engine: Engine | None = None
) -> Outcome:
    """Hands the interaction to another agent; both agents get a notice. A supervisor may, or
    an administrator when the agent who holds it is deactivated (domain/access.py)."""
    with transaction(engine) as session:
        supervisor, interaction = access_interaction(
            session, actor, interaction_id, need=Need.REASSIGN, lock=True
        )
        require_active(interaction, "{number} is closed; there is nothing to reassign.")
        target = assignable(session, agent_id)
        if interaction.assigned_agent_id == agent_id:
            return Outcome(interaction.number, False)
        affected = watcher_ids(session, interaction_id)
        before = "virtual agent" if interaction.virtual_agent else interaction.assigned_agent_id
        previous = assign(session, interaction, agent_id)
        reason = LiveGroupReason.REASSIGNED
        join_live_group(
            session=session,
            actor=supervisor,
            interaction=interaction,
            agent_id=agent_id,
            reason=reason,
        )
        if previous is not None:
            leave_live_group(
                session=session,
                actor=supervisor,
                interaction=interaction,
                agent_id=previous,
                reason=reason,
            )
        record(
            session=session,
            actor=supervisor,
            action=AuditAction.INTERACTION_REASSIGNED,
            entity=interaction,
            detail={"number": interaction.number, "from": before, "to": agent_id},
        )
        number, by = interaction.number, supervisor.display_name
        if previous is not None and previous != supervisor.user_id:
            notify(
                session,
                agent_id=previous,
                text=f"{by} reassigned your {number} to {target.display_name}.",
                interaction_id=interaction_id,
            )
        if agent_id != supervisor.user_id:
            source = "the virtual agent" if previous is None else _name(session, previous)
            notify(
                session,
                agent_id=agent_id,
                text=f"{by} assigned {number} to you (it was with {source}).",
                interaction_id=interaction_id,
            )
        _changed(session, interaction_id, affected | {agent_id})
        return Outcome(number, True)


def join_as_supervisor(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> Outcome:
    """The supervisor joins the live group; being in it already changes nothing."""
    supervisor = _supervising_agent(actor)
    with transaction(engine) as session:
        interaction = _locked(session, supervisor, interaction_id, "join")
        joined = join_live_group(
            session=session,
            actor=supervisor,
            interaction=interaction,
            agent_id=supervisor.user_id,
            reason=LiveGroupReason.JOINED,
        )
        if joined:
            _changed(session, interaction_id, watcher_ids(session, interaction_id))
        return Outcome(interaction.number, joined)


def leave_as_supervisor(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> Outcome:
    """The supervisor leaves the live group, unless the interaction is theirs."""
    supervisor = require_role(actor, Role.SUPERVISOR)
    with transaction(engine) as session:
        interaction = _locked(session, supervisor, interaction_id, "leave")
        if interaction.assigned_agent_id == supervisor.user_id:
            raise InvalidInput(
                f"{interaction.number} is assigned to you, and the assignee stays in its live "
                "group: reassign it first."
            )
        affected = watcher_ids(session, interaction_id)
        left = leave_live_group(
            session=session,
            actor=supervisor,
            interaction=interaction,
            agent_id=supervisor.user_id,
            reason=LiveGroupReason.LEFT,
        )
        if left:
            _changed(session, interaction_id, affected)
        return Outcome(interaction.number, left)


def _supervising_agent(actor: Actor | None) -> Actor:
    """A supervisor who also works interactions (holding or joining one needs the workspace)."""
    supervisor = require_role(actor, Role.SUPERVISOR)
    return require_role(supervisor, Role.AGENT)


def _locked(session: Session, supervisor: Actor, interaction_id: int, what: str) -> Interaction:
    _, interaction = access_interaction(
        session, supervisor, interaction_id, need=Need.SUPERVISE, lock=True
    )
    require_active(interaction, f"{{number}} is closed; there is nothing to {what}.")
    return interaction


def _name(session: Session, user_id: int) -> str:
    found = session.exec(select(User.display_name).where(col(User.id) == user_id)).first()
    return found or "another agent"


def _changed(session: Session, interaction_id: int, agent_ids: set[int]) -> None:
    events.after_commit(session, events.InteractionChanged(interaction_id, frozenset(agent_ids)))
