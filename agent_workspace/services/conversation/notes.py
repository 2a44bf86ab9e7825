"""Internal notes: written in an interaction's conversation for colleagues, never sent.

A note is a Message with direction and status NOTE, so it sits in the conversation in order,
and everyone who can open the interaction reads it. It is kept out of everything that concerns
the consumer: the outbox claims only outbound messages, and a note does not touch the list
columns (last message, awaiting reply), so previews, boards and waiting times ignore it.

An @mention of an agent's login name (domain/mentions.py) leaves that agent a notice linking
to the interaction, in the note's transaction, pushed live after commit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.mentions import mention_notice, mentioned_usernames
from agent_workspace.models import (
    Direction,
    Interaction,
    Message,
    MessageStatus,
    Role,
    User,
    UserRole,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.audit import AuditAction, save_and_record
from agent_workspace.services.errors import FieldProblems
from agent_workspace.services.interactions.notices import notify

MAX_NOTE = 4000


@dataclass(frozen=True)
class NoteAdded:
    message_id: int
    interaction_number: str


def add_note(
    *, actor: Actor | None, interaction_id: int, body: str, engine: Engine | None = None
) -> NoteAdded:
    """Adds a note by the agent to the interaction (closed ones too: wrap-up notes)."""
    text = body.strip()
    if not text:
        raise FieldProblems({"body": "Write the note first."})
    if len(text) > MAX_NOTE:
        raise FieldProblems({"body": f"A note holds at most {MAX_NOTE} characters."})
    with transaction(engine) as session:
        agent, interaction = access_interaction(session, actor, interaction_id)
        note_id = write_note(session, agent, interaction, text)
        # The conversation's viewers see it; no list row changes, so no list is refreshed.
        events.after_commit(session, events.InteractionChanged(interaction_id, messages_only=True))
        return NoteAdded(note_id, interaction.number)


def write_note(
    session: Session,
    agent: Actor,
    interaction: Interaction,
    text: str,
    *,
    told: Collection[int] = (),
) -> int:
    """The note, by `agent`, in the caller's transaction (which checked access and the text);
    returns its message id. Agents it mentions hear of it, except the author and those in
    `told` (the caller tells them anyway). The caller publishes the change (a transfer pushes
    the whole view, a note alone only the messages)."""
    assert interaction.id is not None
    note = Message(
        interaction_id=interaction.id,
        direction=Direction.NOTE,
        body=text,
        from_number="",
        to_number="",
        status=MessageStatus.NOTE,
        author_id=agent.user_id,
    )
    save_and_record(
        session=session,
        actor=agent,
        action=AuditAction.MESSAGE_NOTE_ADDED,
        entity=note,
        detail={"interaction": interaction.number, "chars": len(text)},
    )
    assert note.id is not None
    words = mention_notice(by=agent.display_name, number=interaction.number, text=text)
    for agent_id in mentioned_agents(session, text):
        if agent_id != agent.user_id and agent_id not in told:
            notify(session, agent_id=agent_id, text=words, interaction_id=interaction.id)
    return note.id


def mentioned_agents(session: Session, text: str) -> list[int]:
    """The active agents `text` mentions by login name; a name that is nobody is plain text."""
    names = mentioned_usernames(text)
    if not names:
        return []
    found = session.exec(
        select(User.id)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(col(User.username).in_(names), UserRole.role == Role.AGENT, col(User.is_active))
        .order_by(col(User.id))
    ).all()
    return [user_id for user_id in found if user_id is not None]
