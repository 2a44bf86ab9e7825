"""The error playbook's next steps, taken when a message fails (domain/error_playbook.py).

Called in the transaction that records the failure (a refused create or a failed or
undelivered status): a passing reason (RETRY_LATER) sends the message once more by itself after
AW_AUTO_RETRY_SECONDS, as a linked retry (retry.py); a problem of the account or number setup
(ALERT_ADMIN) leaves a notice for each administrator, once until they read it, so the agent is
not the one blamed. A number that cannot receive texts (NOT_TEXTABLE) needs no write: the To
list and the person's panel read it from the number's last outcome (domain/reach.py), so a
later delivery or a text from the number clears it.
"""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.error_playbook import NextStep, Play, play_for
from agent_workspace.models import (
    ACTIVE_STATES,
    Interaction,
    Message,
    Notice,
    Role,
    User,
    UserRole,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import SYSTEM
from agent_workspace.services.interactions.notices import SHOWN, notify
from agent_workspace.services.outbox.retry import queue_retry
from agent_workspace.services.people.ledger import stop_of

ALERT_PREFIX = "Setup problem: "


def follow_play(session: Session, message: Message, code: int | None) -> None:
    """What the workspace does by itself about `message` failing with `code`."""
    play = play_for(code)
    interaction = flag_failed(session, message)
    if play.step is NextStep.RETRY_LATER and _may_retry_by_itself(session, message, interaction):
        after = timedelta(seconds=get_settings().auto_retry_seconds)
        queue_retry(
            session,
            message,
            author_id=message.author_id,
            actor=SYSTEM,
            after=after,
            waiting=f"Sending again by itself in {_minutes(after)}: the last try failed.",
        )
    elif play.step is NextStep.ALERT_ADMIN:
        alert_admins(session, message, play)


def flag_failed(session: Session, message: Message) -> Interaction | None:
    """The author's and the assignee's lists flag the row: its latest text failed."""
    interaction = session.get(Interaction, message.interaction_id)
    lists = {message.author_id, interaction.assigned_agent_id if interaction else None}
    events.after_commit(
        session,
        events.InteractionChanged(
            message.interaction_id, frozenset(i for i in lists if i), messages_only=True
        ),
    )
    return interaction


def _may_retry_by_itself(
    session: Session, message: Message, interaction: Interaction | None
) -> bool:
    """Once (never a retry's retry), while the interaction is open and they have not opted out."""
    return (
        message.retry_of_id is None
        and interaction is not None
        and interaction.state in ACTIVE_STATES
        and stop_of(session, sender=message.from_number, phone=message.to_number) is None
    )


def alert_admins(session: Session, message: Message, play: Play) -> None:
    """A notice for each active administrator, unless an unread one already says the same."""
    text = (
        f"{ALERT_PREFIX}texts from {message.from_number} fail because of the account or number "
        "setup: "
        f"{play.words[:-1]} (error {play.code or 'unknown'}). Agents have been told it is not them."
    )
    admins = session.exec(
        select(User.id)
        .join(UserRole, col(UserRole.user_id) == User.id)
        .where(UserRole.role == Role.ADMIN, col(User.is_active).is_(True))
    ).all()
    told = set(
        session.exec(
            select(Notice.agent_id).where(Notice.text == text[:400], col(Notice.read_at).is_(None))
        ).all()
    )
    for admin_id in admins:
        if admin_id is not None and admin_id not in told:
            notify(session, agent_id=admin_id, text=text, interaction_id=message.interaction_id)


def setup_alerts(*, actor: Actor | None, engine: Engine | None = None) -> list[str]:
    """What the administration page shows above its tabs: the administrator's unread alerts."""
    admin = require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        return list(
            session.exec(
                select(Notice.text)
                .where(*_unread_alerts(admin))
                .order_by(col(Notice.created_at).desc(), col(Notice.id).desc())
                .limit(SHOWN)
            ).all()
        )


def dismiss_setup_alerts(*, actor: Actor | None, engine: Engine | None = None) -> None:
    """The administrator has read them (in every tab, the workspace's notices too)."""
    admin = require_role(actor, Role.ADMIN)
    with transaction(engine) as session:
        session.execute(
            sa.update(Notice)
            .where(*_unread_alerts(admin))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        events.after_commit(session, events.NoticeCreated(admin.user_id))


def _unread_alerts(admin: Actor) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        col(Notice.agent_id) == admin.user_id,
        col(Notice.read_at).is_(None),
        col(Notice.text).startswith(ALERT_PREFIX),
    )


def _minutes(after: timedelta) -> str:
    minutes = round(after.total_seconds() / 60)
    if minutes < 1:
        return "a moment"
    return "1 minute" if minutes == 1 else f"{minutes} minutes"
