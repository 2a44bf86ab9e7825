"""The supervisor's view of the floor: every active interaction, who is in it, and take-over."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.models import (
    ACTIVE_STATES,
    Direction,
    Interaction,
    LiveGroupReason,
    Message,
    Role,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import (
    Actor,
    access_interaction,
    require_active,
    require_role,
)
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.interactions.lists import InteractionRow, rows_view, watcher_ids
from agent_workspace.services.interactions.live_group import join_live_group, member_names
from agent_workspace.services.interactions.notices import notify

BOARD_LIMIT = 500


@dataclass(frozen=True)
class BoardRow:
    interaction: InteractionRow
    live_group: tuple[str, ...]
    last_message: str  # a short preview of the latest message, either direction


def board(*, actor: Actor | None, engine: Engine | None = None) -> list[BoardRow]:
    require_role(actor, Role.SUPERVISOR)
    return load_board(engine=engine)


def load_board(*, engine: Engine | None = None) -> list[BoardRow]:
    """Unchecked read for the live notifier (it pushes to supervisors' linked pages only)."""
    with reading(engine) as session:
        found = session.exec(
            select(Interaction)
            .where(col(Interaction.state).in_(list(ACTIVE_STATES)))
            .order_by(col(Interaction.updated_at).desc())
            .limit(BOARD_LIMIT)
        ).all()
        ids = [i.id for i in found if i.id is not None]
        groups = member_names(session, ids)
        previews = _previews(session, ids)
        return [
            BoardRow(row, groups.get(row.id, ()), previews.get(row.id, ""))
            for row in rows_view(session, found)
        ]


def _previews(session: Session, ids: list[int]) -> dict[int, str]:
    latest = (
        select(Message.interaction_id, Message.body, Message.direction)
        .where(col(Message.interaction_id).in_(ids))
        .order_by(
            col(Message.interaction_id), col(Message.created_at).desc(), col(Message.id).desc()
        )
    )
    previews: dict[int, str] = {}
    for interaction_id, body, direction in session.exec(latest).all():
        if interaction_id not in previews:
            arrow = "→" if Direction(direction) is Direction.OUTBOUND else "←"
            previews[interaction_id] = f"{arrow} {body[:80]}" if body else f"{arrow} (attachment)"
    return previews


def take_over(*, actor: Actor | None, interaction_id: int, engine: Engine | None = None) -> str:
    """The supervisor becomes the assignee (from an agent or the virtual agent) and joins the
    live group; earlier members stay in it. Returns the interaction's number."""
    supervisor = require_role(actor, Role.SUPERVISOR)
    require_role(actor, Role.AGENT)  # the new assignee must be able to work the interaction
    with transaction(engine) as session:
        _, interaction = access_interaction(
            session, supervisor, interaction_id, role=Role.SUPERVISOR, lock=True
        )
        require_active(interaction, "{number} is closed; there is nothing to take over.")
        if interaction.assigned_agent_id == supervisor.user_id:
            raise InvalidInput(f"{interaction.number} is already assigned to you.")
        affected = watcher_ids(session, interaction_id)
        before = "virtual agent" if interaction.virtual_agent else interaction.assigned_agent_id
        previous = interaction.assigned_agent_id
        interaction.assigned_agent_id = supervisor.user_id
        interaction.virtual_agent = False
        interaction.updated_at = utcnow()
        session.add(interaction)
        session.flush()
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
        events.after_commit(
            session,
            events.InteractionChanged(interaction_id, frozenset(affected | {supervisor.user_id})),
        )
        return interaction.number
