"""Recording that the provider took messages: many at once, each still fenced by its lease.

A dispatcher sending many messages at once records their acceptance in one transaction (a few
statements for the whole group instead of a transaction per message), which is what lets the
outbox drain at the provider's pace. Per message the rules are those of a single accept: only
under the lease token it was claimed with, the provider sid locked first so a racing status
callback either sees the sid or leaves an early status that is applied here.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_sids
from agent_workspace.models import EarlyStatus, Message, utcnow
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, AuditAction, record
from agent_workspace.services.messaging.statuses import advance


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
    ids recorded. A message whose lease was lost is left untouched (and not returned)."""
    if not accepted:
        return set()
    by_id = {a.message_id: a for a in accepted}
    with transaction(engine) as session:
        lock_sids(session, [a.sid for a in accepted])
        now = utcnow()
        ids = list(by_id)
        fenced = sa.or_(
            *(
                sa.and_(col(Message.id) == a.message_id, col(Message.lease_token) == a.lease_token)
                for a in accepted
            )
        )
        won = session.execute(
            sa.update(Message)
            .where(col(Message.id).in_(ids), fenced)
            .values(
                provider_sid=sa.case({a.message_id: a.sid for a in accepted}, value=Message.id),
                lease_until=None,
                lease_token=None,
                needs_reconcile=False,
                next_attempt_at=None,
                error_message=None,  # no "Retrying: ..." left once it went out
                updated_at=now,
                sent_at=sa.func.coalesce(Message.sent_at, now),
            )
            .returning(col(Message.id))
            .execution_options(synchronize_session=False)
        )
        recorded = {row[0] for row in won}
        if not recorded:
            return recorded
        messages = session.exec(
            select(Message)
            .where(col(Message.id).in_(recorded))
            .execution_options(populate_existing=True)
        ).all()
        sids = [by_id[m.id].sid for m in messages if m.id is not None]
        early = session.exec(select(EarlyStatus).where(col(EarlyStatus.provider_sid).in_(sids)))
        early_by_sid: dict[str, list[EarlyStatus]] = {}
        for row in sorted(early.all(), key=lambda e: e.id or 0):
            early_by_sid.setdefault(row.provider_sid, []).append(row)
        for message in messages:
            assert message.id is not None
            answer = by_id[message.id]
            advance(session, message, answer.status, answer.error_code)
            for row in early_by_sid.get(answer.sid, []):
                advance(session, message, row.status.value, row.error_code)
                session.delete(row)
            record(
                session=session,
                actor=PROVIDER,
                action=AuditAction.MESSAGE_ACCEPTED,
                entity=message,
                detail={"sid": answer.sid, "status": message.status.value},
            )
            events.after_commit(
                session, events.InteractionChanged(message.interaction_id, messages_only=True)
            )
        return recorded
