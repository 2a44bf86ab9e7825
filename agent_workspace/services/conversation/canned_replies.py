"""Canned replies: shared templates (administrators keep them) and each agent's own.

An agent sees the shared ones and their own, never another agent's. Saving checks the text's
placeholders (domain/templates.py), so what is stored can always be filled; using one fills
{first_name} {last_name} from the interaction's person and {agent_name} from the agent.
An edit names the version it started from: if someone saved the reply in between, the edit is
refused with a message instead of silently overwriting theirs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.inputs import is_row_id, search_problem
from agent_workspace.domain.routing import PersonKind
from agent_workspace.domain.templates import check_template, fill
from agent_workspace.models import CannedReply, Consumer, Contact, Role, utcnow
from agent_workspace.services.access import Actor, access_interaction, require_role
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.errors import FieldProblems, InvalidInput, NotFound
from agent_workspace.services.people.directory import person_ref

LISTED = 200
_PLACEHOLDER_SURNAME = re.compile(r"\(\+\d+\)")  # "Unknown (+1415...)": nobody knows the name


@dataclass(frozen=True)
class ReplyView:
    id: int
    title: str
    body: str
    shared: bool
    updated_at: datetime  # the version an edit starts from


def list_shared(*, actor: Actor | None, engine: Engine | None = None) -> list[ReplyView]:
    """The shared replies, for the administration page."""
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        query = select(CannedReply).where(col(CannedReply.owner_id).is_(None))
        found = session.exec(query.order_by(col(CannedReply.title)).limit(LISTED)).all()
        return [_view(r) for r in found]


def replies_for(
    *, actor: Actor | None, search: str = "", engine: Engine | None = None
) -> list[ReplyView]:
    """What an agent may insert: shared replies and their own, by title; `search` matches
    words of the title in any case (a bounded search: each word is a condition)."""
    agent = require_role(actor, Role.AGENT)
    if problem := search_problem(search, by_words=True):
        raise InvalidInput(problem)
    words = [
        col(CannedReply.title).ilike(f"%{_escaped(word)}%", escape="\\") for word in search.split()
    ]
    query = select(CannedReply).where(
        or_(col(CannedReply.owner_id).is_(None), CannedReply.owner_id == agent.user_id), *words
    )
    with reading(engine) as session:
        found = session.exec(
            query.order_by(col(CannedReply.title), col(CannedReply.id)).limit(LISTED)
        ).all()
        return [_view(r) for r in found]


def create_reply(
    *, actor: Actor | None, title: str, body: str, shared: bool, engine: Engine | None = None
) -> ReplyView:
    """A shared reply (administrators) or the agent's own."""
    author = require_role(actor, Role.ADMIN if shared else Role.AGENT)
    title = _checked(title, body)
    with transaction(engine) as session:
        reply = CannedReply(title=title, body=body, owner_id=None if shared else author.user_id)
        save_and_record(
            session=session,
            actor=author,
            action=AuditAction.CANNED_REPLY_CREATED,
            entity=reply,
            detail={"title": title, "shared": shared},
        )
        return _view(reply)


def update_reply(
    *,
    actor: Actor | None,
    reply_id: int,
    title: str,
    body: str,
    version: datetime,
    engine: Engine | None = None,
) -> ReplyView:
    """Saves an edit made on `version`; the same text again changes nothing."""
    title = _checked(title, body)
    with transaction(engine) as session:
        editor, reply = _editable(session, actor, reply_id)
        if reply.updated_at != version:
            raise InvalidInput(
                f"Someone else saved {reply.title!r} after you opened it; your edit was not "
                "saved. Reopen it to see their version."
            )
        if (reply.title, reply.body) == (title, body):
            return _view(reply)
        before = reply.title
        reply.title, reply.body, reply.updated_at = title, body, utcnow()
        session.add(reply)
        record(
            session=session,
            actor=editor,
            action=AuditAction.CANNED_REPLY_UPDATED,
            entity=reply,
            detail={"title": title, "before": before, "shared": reply.owner_id is None},
        )
        return _view(reply)


def delete_reply(*, actor: Actor | None, reply_id: int, engine: Engine | None = None) -> str:
    """Deletes it; returns its title."""
    with transaction(engine) as session:
        editor, reply = _editable(session, actor, reply_id)
        record(
            session=session,
            actor=editor,
            action=AuditAction.CANNED_REPLY_DELETED,
            entity=reply,
            detail={"title": reply.title, "shared": reply.owner_id is None},
        )
        session.delete(reply)
        return reply.title


def render(
    *, actor: Actor | None, reply_id: int, interaction_id: int, engine: Engine | None = None
) -> str:
    """The reply's text for this interaction, placeholders filled (an unknown name is empty)."""
    with reading(engine) as session:
        agent, interaction = access_interaction(session, actor, interaction_id)
        reply = session.get(CannedReply, reply_id) if is_row_id(reply_id) else None
        if reply is None or reply.owner_id not in (None, agent.user_id):
            raise NotFound("That canned reply does not exist (any more).")
        first, last = _names(session, interaction.consumer_id, interaction.contact_id)
        values = {"first_name": first, "last_name": last, "agent_name": agent.display_name}
        return fill(reply.body, values)


def _checked(title: str, body: str) -> str:
    problems = check_template(title, body)
    if problems:
        raise FieldProblems(
            {k: v for k, v in (("title", problems.title), ("body", problems.body)) if v}
        )
    return " ".join(title.split())


def _editable(session: Session, actor: Actor | None, reply_id: int) -> tuple[Actor, CannedReply]:
    """The reply, locked, if the actor may change it: shared ones are the admins', personal
    ones their owner's (nobody else learns that they exist)."""
    if actor is None:
        require_role(actor, Role.AGENT)  # refuses: nobody is signed in
    assert actor is not None
    reply = (
        session.exec(
            select(CannedReply).where(CannedReply.id == reply_id).with_for_update()
        ).first()
        if is_row_id(reply_id)
        else None
    )
    if reply is None or (reply.owner_id is not None and reply.owner_id != actor.user_id):
        raise NotFound("That canned reply does not exist any more (someone deleted it).")
    who = require_role(actor, Role.ADMIN if reply.owner_id is None else Role.AGENT)
    return who, reply


def _names(session: Session, consumer_id: int | None, contact_id: int | None) -> tuple[str, str]:
    ref = person_ref(consumer_id, contact_id)
    if ref is None:
        return "", ""
    person: Consumer | Contact | None = (
        session.get(Consumer, ref.id)
        if ref.kind is PersonKind.CONSUMER
        else session.get(Contact, ref.id)
    )
    if person is None or _PLACEHOLDER_SURNAME.fullmatch(person.last_name):
        return "", ""
    return person.first_name, person.last_name


def _escaped(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _view(reply: CannedReply) -> ReplyView:
    assert reply.id is not None
    return ReplyView(reply.id, reply.title, reply.body, reply.owner_id is None, reply.updated_at)
