"""Notices: what an agent must hear about their work that someone else did.

Closing an agent's interaction by texting its number, taking it over, reassigning or
transferring it tells that agent, live if they are signed in, and the notice waits until they
dismiss it if not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.models import Notice, Role, utcnow
from agent_workspace.services import events
from agent_workspace.services.access import Actor, require_role

SHOWN = 20  # unread notices a workspace shows at once, newest first


@dataclass(frozen=True)
class NoticeView:
    id: int
    text: str
    interaction_id: int | None
    created_at: datetime


def notify(session: Session, *, agent_id: int, text: str, interaction_id: int | None) -> None:
    """Leaves a notice for the agent in the caller's transaction; pushed after commit."""
    session.add(Notice(agent_id=agent_id, text=text[:400], interaction_id=interaction_id))
    events.after_commit(session, events.NoticeCreated(agent_id))


def unread_notices(*, actor: Actor | None, engine: Engine | None = None) -> list[NoticeView]:
    agent = require_role(actor, Role.AGENT)
    return load_unread(agent.user_id, engine=engine)


def load_unread(agent_id: int, *, engine: Engine | None = None) -> list[NoticeView]:
    """Unchecked read for the live notifier, which pushes only to the agent's own tabs."""
    with reading(engine) as session:
        rows = session.exec(
            select(Notice)
            .where(Notice.agent_id == agent_id, col(Notice.read_at).is_(None))
            .order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
            .limit(SHOWN)
        ).all()
        return [NoticeView(n.id, n.text, n.interaction_id, n.created_at) for n in rows if n.id]


def dismiss(*, actor: Actor | None, notice_id: int, engine: Engine | None = None) -> None:
    """The agent has read it; only their own notices, and a second dismiss changes nothing."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        notice = session.get(Notice, notice_id) if is_row_id(notice_id) else None
        if notice is None or notice.agent_id != agent.user_id or notice.read_at is not None:
            return
        notice.read_at = utcnow()
        session.add(notice)
        events.after_commit(session, events.NoticeCreated(agent.user_id))


def dismiss_all(*, actor: Actor | None, engine: Engine | None = None) -> int:
    """The agent has read every notice waiting for them; returns how many that was."""
    agent = require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        unread = session.exec(
            select(Notice).where(Notice.agent_id == agent.user_id, col(Notice.read_at).is_(None))
        ).all()
        if not unread:
            return 0
        now = utcnow()
        for notice in unread:
            notice.read_at = now
            session.add(notice)
        events.after_commit(session, events.NoticeCreated(agent.user_id))
        return len(unread)
