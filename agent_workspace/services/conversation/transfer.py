"""Transfer: an agent who works on a conversation hands it to a colleague, or back to the
queue (the virtual agent, where Pick up takes it), with a note that says why (issue 27 item 3).

One transaction, under the same access rule (WORK) and the same confirmations as every other
change to someone's work: the assignment moves (services/interactions/lifecycle.py `assign`),
the live group follows (the receiver joins, the agent it was with leaves, both "transferred"),
the note is an internal note in the conversation, the receiver gets a notice (and so does the
agent it was taken from, when someone else transferred it), and an audit row names who did
it. After commit one `InteractionChanged` reaches the conversation's viewers and the lists of
everyone it concerns, the previous assignee's and the receiver's among them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.transfer import (
    QUEUE_NAME,
    TransferFacts,
    asks_first,
    holder_notice,
    note_text,
    reason_problem,
    receiver_notice,
    transfer_refusal,
)
from agent_workspace.models import Interaction, LiveGroupReason, User
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction, require_active
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.conversation.notes import write_note
from agent_workspace.services.errors import FieldProblems, InvalidInput
from agent_workspace.services.interactions.assignee import assign, assignable
from agent_workspace.services.interactions.confirmations import (
    ConfirmationNeeded,
    handover_text,
)
from agent_workspace.services.interactions.lists import watcher_ids
from agent_workspace.services.interactions.live_group import join_live_group, leave_live_group
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.interactions.overview import agent_loads

CLOSED = "{number} is closed; there is nothing to transfer."


@dataclass(frozen=True)
class TransferTarget:
    """An agent the conversation may go to, with how many active interactions they hold."""

    agent_id: int
    name: str
    open_count: int


@dataclass(frozen=True)
class TransferChoices:
    """What the Transfer dialog offers: every active agent but the one transferring and the
    one who has it, by name; and whether the queue is a choice (not when it waits there)."""

    number: str
    agents: tuple[TransferTarget, ...]
    queue: bool


@dataclass(frozen=True)
class Transferred:
    number: str
    to: str  # the receiving agent's name, or "the queue"
    note_id: int


def transfer_choices(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> TransferChoices:
    """Whom the actor may transfer the interaction to; refused as the transfer itself would be
    (no standing on it, or it is closed), so the dialog opens only where Transfer can work."""
    with reading(engine) as session:
        agent, interaction = access_interaction(session, actor, interaction_id, need=Need.WORK)
        require_active(interaction, CLOSED)
        skip = {agent.user_id, interaction.assigned_agent_id}
        agents = sorted(
            (
                TransferTarget(a.agent_id, a.name, a.active)
                for a in agent_loads(session)
                if a.agent_id not in skip
            ),
            key=lambda t: (t.name.casefold(), t.agent_id),
        )
        return TransferChoices(interaction.number, tuple(agents), not interaction.virtual_agent)


def transfer(
    *,
    actor: Actor | None,
    interaction_id: int,
    agent_id: int | None,
    note: str,
    confirmed: bool = False,
    engine: Engine | None = None,
) -> Transferred:
    """Hands the interaction to `agent_id`, or back to the queue with None, with `note` (why).

    Every refusal comes before any write: no standing (WORK), closed, an unknown or inactive
    agent, oneself, no change, no note; taking it from another agent asks first
    (ConfirmationNeeded, unless `confirmed`)."""
    with transaction(engine) as session:
        agent, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        require_active(interaction, CLOSED)
        target = assignable(session, agent_id) if agent_id is not None else None
        facts = TransferFacts(
            number=interaction.number,
            actor_id=agent.user_id,
            holder_id=interaction.assigned_agent_id,
            in_queue=interaction.virtual_agent,
            to_id=agent_id,
            to_name=target.display_name if target else QUEUE_NAME,
        )
        if problem := transfer_refusal(facts):
            raise InvalidInput(problem)
        if problem := reason_problem(note):
            raise FieldProblems({"note": problem})
        if asks_first(facts) and not confirmed:
            assert facts.holder_id is not None
            question = handover_text(
                session, number=facts.number, holder_id=facts.holder_id, to=facts.to_name
            )
            raise ConfirmationNeeded(question)
        return _apply(session, agent, interaction, facts, note)


def _apply(
    session: Session, agent: Actor, interaction: Interaction, facts: TransferFacts, note: str
) -> Transferred:
    assert interaction.id is not None
    affected = watcher_ids(session, interaction.id)
    before = "virtual agent" if interaction.virtual_agent else interaction.assigned_agent_id
    previous = assign(session, interaction, facts.to_id)
    taken_from = previous if previous is not None and previous != agent.user_id else None
    reason = LiveGroupReason.TRANSFERRED
    if facts.to_id is not None:
        join_live_group(
            session=session,
            actor=agent,
            interaction=interaction,
            agent_id=facts.to_id,
            reason=reason,
        )
    if previous is not None:
        leave_live_group(
            session=session, actor=agent, interaction=interaction, agent_id=previous, reason=reason
        )
    holder = session.get(User, taken_from) if taken_from is not None else None
    text = note_text(
        by=agent.display_name,
        holder=holder.display_name if holder else None,
        to=facts.to_name,
        reason=note,
    )
    told = {facts.to_id} if facts.to_id is not None else set()
    note_id = write_note(session, agent, interaction, text, told=told)
    record(
        session=session,
        actor=agent,
        action=AuditAction.INTERACTION_TRANSFERRED,
        entity=interaction,
        detail={
            "number": facts.number,
            "from": before,
            "to": facts.to_id if facts.to_id is not None else "queue",
            "note_id": note_id,
        },
    )
    number, by = facts.number, agent.display_name
    if facts.to_id is not None:
        words = receiver_notice(by=by, number=number, reason=note)
        notify(session, agent_id=facts.to_id, text=words, interaction_id=interaction.id)
    if taken_from is not None:
        words = holder_notice(by=by, number=number, to=facts.to_name)
        notify(session, agent_id=taken_from, text=words, interaction_id=interaction.id)
    listed = affected | ({facts.to_id} if facts.to_id is not None else set())
    events.after_commit(session, events.InteractionChanged(interaction.id, frozenset(listed)))
    return Transferred(number, facts.to_name, note_id)
