"""Labels on an interaction: an agent who works on it adds or removes one (issue 27 item 5).

Both go through the one access rule at WORK level (as Details does), in one transaction,
audited, and push the change after commit: the conversation's viewers see the badges move and
the lists that show it (a list filtered by the label among them) follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import Interaction, InteractionLabel, Label
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import NotFound
from agent_workspace.services.interactions.lists import labels_of, watcher_ids
from agent_workspace.services.labels import NO_SUCH_LABEL, LabelView, all_labels
from agent_workspace.services.sla.clocks import keep_due


@dataclass(frozen=True)
class LabelsView:
    on: tuple[LabelView, ...]  # the labels on the interaction, by name
    others: tuple[LabelView, ...]  # those it could get ("Add label")


def interaction_labels(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> LabelsView:
    """The interaction's labels and the ones it could get, for its header."""
    with reading(engine) as session:
        access_interaction(session, actor, interaction_id)
        on = labels_of(session, [interaction_id]).get(interaction_id, ())
        return LabelsView(on, tuple(x for x in all_labels(session) if x not in on))


def add_label(
    *, actor: Actor | None, interaction_id: int, label_id: int, engine: Engine | None = None
) -> bool:
    """Puts the label on the interaction; returns False when it was there already."""
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        label = _label(session, label_id)
        if session.get(InteractionLabel, (interaction_id, label_id)) is not None:
            return False
        session.add(
            InteractionLabel(
                interaction_id=interaction_id, label_id=label_id, added_by_id=agent.user_id
            )
        )
        _changed(session, agent, interaction, label, AuditAction.INTERACTION_LABEL_ADDED)
        keep_due(session, [interaction_id])  # a label may choose another SLA policy
        return True


def remove_label(
    *, actor: Actor | None, interaction_id: int, label_id: int, engine: Engine | None = None
) -> bool:
    """Takes the label off the interaction; returns False when it was not on it."""
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        label = _label(session, label_id)
        carried = session.get(InteractionLabel, (interaction_id, label_id))
        if carried is None:
            return False
        session.delete(carried)
        _changed(session, agent, interaction, label, AuditAction.INTERACTION_LABEL_REMOVED)
        keep_due(session, [interaction_id])  # a label may choose another SLA policy
        return True


def _label(session: Session, label_id: int) -> Label:
    label = session.get(Label, label_id) if is_row_id(label_id) else None
    if label is None:
        raise NotFound(NO_SUCH_LABEL)
    return label


def _changed(
    session: Session, agent: Actor, interaction: Interaction, label: Label, action: AuditAction
) -> None:
    assert interaction.id is not None
    record(
        session=session,
        actor=agent,
        action=action,
        entity=interaction,
        detail={"label": label.name, "label_id": label.id},
    )
    affected = frozenset(watcher_ids(session, interaction.id))
    events.after_commit(session, events.InteractionChanged(interaction.id, affected))
