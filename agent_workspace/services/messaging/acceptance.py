"""Recording that the provider took messages: many at once, each still fenced by its lease.

A dispatcher sending many messages at once records their acceptance in one transaction (a few
statements for the whole group instead of a transaction per message), which is what lets the
outbox drain at the provider's pace. Per message the rules are those of a single accept: only
under the lease token it was claimed with, the provider sid locked first so a racing status
callback either sees the sid or leaves an early status that is applied here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_sids
from agent_workspace.domain.delivery import forward_to
from agent_workspace.models import EarlyStatus, Message, MessageStatus, utcnow
from agent_workspace.services import audit, events
from agent_workspace.services.audit import PROVIDER, AuditAction
from agent_workspace.services.messaging.statuses import advance

_MESSAGES: sa.Table = Message.__table__  # type: ignore[attr-defined]
_EARLY: sa.Table = EarlyStatus.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Accepted:
    """The provider's answer to one create (or the copy a lookup found), under `lease_token`."""

    message_id: int
    lease_token: str
    sid: str
    status: str
    error_code: int | None = None


def record_accepted(accepted: list[Accepted], *, engine: Engine | None = None) -> set[int]:
    """Keeps each message's sid and status, then applies callbacks that beat us here; returns the
    ids recorded. A message whose lease was lost is left untouched (and not returned).

    Core statements on the transaction's connection, not ORM objects: this runs for every
    message the outbox sends, and the ORM's load, flush and audit objects were half of a
    dispatcher's CPU. Only a message whose status moves (the answer or an early callback is
    ahead of it, which then needs `advance`'s rules) is loaded as an object.
    """
    if not accepted:
        return set()
    by_id = {a.message_id: a for a in accepted}
    with transaction(engine) as session:
        lock_sids(session, [a.sid for a in accepted])
        conn = session.connection()
        now = utcnow()
        won = conn.execute(_fenced_update(accepted, now)).all()
        if not won:
            return set()
        early_by_sid = _early_statuses(conn, [by_id[row.id].sid for row in won])
        moving = [
            row.id
            for row in won
            if by_id[row.id].sid in early_by_sid
            or forward_to(MessageStatus(row.status).value, by_id[row.id].status) is not None
        ]
        final = {row.id: MessageStatus(row.status).value for row in won}
        if moving:
            final.update(_advance_all(session, moving, by_id, early_by_sid))
        audit.record_rows(
            conn,
            [
                audit.row(
                    actor=PROVIDER,
                    action=AuditAction.MESSAGE_ACCEPTED,
                    entity_type=_MESSAGES.name,
                    entity_id=row.id,
                    interaction_id=row.interaction_id,
                    detail={"sid": by_id[row.id].sid, "status": final[row.id]},
                )
                for row in won
            ],
        )
        for row in won:
            events.after_commit(
                session, events.InteractionChanged(row.interaction_id, messages_only=True)
            )
        return {row.id for row in won}


def _fenced_update(accepted: list[Accepted], now: datetime) -> sa.Update:
    """The sid on every message still claimed under its token, in one statement."""
    fenced = sa.or_(
        *(
            sa.and_(_MESSAGES.c.id == a.message_id, _MESSAGES.c.lease_token == a.lease_token)
            for a in accepted
        )
    )
    return (
        sa.update(_MESSAGES)
        .where(_MESSAGES.c.id.in_([a.message_id for a in accepted]), fenced)
        .values(
            provider_sid=sa.case({a.message_id: a.sid for a in accepted}, value=_MESSAGES.c.id),
            lease_until=None,
            lease_token=None,
            needs_reconcile=False,
            next_attempt_at=None,
            error_message=None,  # no "Retrying: ..." left once it went out
            updated_at=now,
            sent_at=sa.func.coalesce(_MESSAGES.c.sent_at, now),
        )
        .returning(_MESSAGES.c.id, _MESSAGES.c.status, _MESSAGES.c.interaction_id)
    )


def _early_statuses(conn: sa.Connection, sids: list[str]) -> dict[str, list[int]]:
    """Ids of the callbacks that came before their sid was stored, oldest first, by sid."""
    rows = conn.execute(
        sa.select(_EARLY.c.id, _EARLY.c.provider_sid)
        .where(_EARLY.c.provider_sid.in_(sids))
        .order_by(_EARLY.c.id)
    )
    early: dict[str, list[int]] = {}
    for early_id, sid in rows:
        early.setdefault(sid, []).append(early_id)
    return early


def _advance_all(
    session: Session,
    message_ids: list[int],
    by_id: dict[int, Accepted],
    early_by_sid: dict[str, list[int]],
) -> dict[int, str]:
    """The provider's answer, then the early callbacks, applied by `advance`; the statuses now."""
    messages = session.exec(
        select(Message)
        .where(col(Message.id).in_(message_ids))
        .execution_options(populate_existing=True)
    ).all()
    early_ids = [i for m in messages for i in early_by_sid.get(by_id[m.id or 0].sid, [])]
    early: dict[int | None, EarlyStatus] = {}
    if early_ids:  # usually none: the answer alone moved the status
        query = select(EarlyStatus).where(col(EarlyStatus.id).in_(early_ids))
        early = {e.id: e for e in session.exec(query)}
    statuses: dict[int, str] = {}
    for message in messages:
        assert message.id is not None
        answer = by_id[message.id]
        advance(session, message, answer.status, answer.error_code)
        for early_id in early_by_sid.get(answer.sid, []):
            row = early[early_id]
            advance(session, message, row.status.value, row.error_code)
            session.delete(row)
        statuses[message.id] = message.status.value
    session.flush()  # the status rows before the acceptance rows, as they happened
    return statuses
