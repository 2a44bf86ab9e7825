"""Recording that the provider took messages: many at once, each still fenced by its lease.

A dispatcher sending many messages at once records their acceptance in one transaction (a few
statements for the whole group instead of a transaction per message), which is what lets the
outbox drain at the provider's pace. Per message the rules are those of a single accept: only
under the lease token it was claimed with, the provider sid locked first so a racing status
callback either sees the sid or leaves an early status that is applied here.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_sids
from agent_workspace.domain.delivery import forward_to
from agent_workspace.models import EarlyStatus, Message, MessageStatus, utcnow
from agent_workspace.services import audit, events
from agent_workspace.services.audit import PROVIDER, AuditAction
from agent_workspace.services.messaging.settling import STATUS_CHECK_AFTER
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


def record_accepted(
    accepted: list[Accepted],
    *,
    check_after: timedelta = STATUS_CHECK_AFTER,
    engine: Engine | None = None,
) -> set[int]:
    """Keeps each message's sid and status, then applies callbacks that beat us here; returns the
    ids recorded. A message whose lease was lost is left untouched (and not returned). Should
    no final status come within `check_after`, the provider is asked (settling.py).

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
        fenced, answers = _FENCED[conn.dialect.name]
        now = utcnow()
        values = {**answers(accepted), "now": now, "check_due": now + check_after}
        won = conn.execute(fenced, values).all()
        if not won:
            return set()
        early_by_sid = _early_statuses(conn, [by_id[row.id].sid for row in won if row.early])
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


def _fenced_update(answer: sa.Subquery) -> sa.Update:
    """The sid on every message still claimed under its token, in one statement, built once
    per database: its shape does not grow with the group (a statement built for each group,
    an OR per message, had cost more CPU than running it)."""
    now = sa.bindparam("now", type_=_MESSAGES.c.updated_at.type)
    return (
        sa.update(_MESSAGES)
        .where(_MESSAGES.c.id == answer.c.id, _MESSAGES.c.lease_token == answer.c.token)
        .values(
            provider_sid=answer.c.sid,
            lease_until=None,
            lease_token=None,
            needs_reconcile=False,
            next_attempt_at=None,
            error_message=None,  # no "Retrying: ..." left once it went out
            updated_at=now,
            sent_at=sa.func.coalesce(_MESSAGES.c.sent_at, now),
            status_check_due_at=sa.bindparam("check_due", type_=_MESSAGES.c.updated_at.type),
        )
        .returning(
            _MESSAGES.c.id,
            _MESSAGES.c.status,
            _MESSAGES.c.interaction_id,
            # A callback came first (rare): only then are the early rows read. Spelled out:
            # SQLite's RETURNING would lose the table names of a built subquery.
            sa.literal_column(
                "EXISTS (SELECT 1 FROM early_status"
                " WHERE early_status.provider_sid = message.provider_sid)",
                sa.Boolean(),
            ).label("early"),
        )
    )


def _postgres_answers() -> sa.Subquery:
    def array(name: str, item: sa.types.TypeEngine[Any]) -> sa.BindParameter[Any]:
        return sa.bindparam(name, type_=postgresql.ARRAY(item))

    return sa.select(
        sa.func.unnest(array("ids", sa.Integer())).label("id"),
        sa.func.unnest(array("tokens", sa.String())).label("token"),
        sa.func.unnest(array("sids", sa.String())).label("sid"),
    ).subquery("answer")


def _postgres_params(accepted: list[Accepted]) -> dict[str, object]:
    return {
        "ids": [a.message_id for a in accepted],
        "tokens": [a.lease_token for a in accepted],
        "sids": [a.sid for a in accepted],
    }


def _sqlite_answers() -> sa.Subquery:
    each = sa.func.json_each(sa.bindparam("rows", type_=sa.String())).table_valued("value")
    return sa.select(
        sa.func.json_extract(each.c.value, "$[0]").label("id"),
        sa.func.json_extract(each.c.value, "$[1]").label("token"),
        sa.func.json_extract(each.c.value, "$[2]").label("sid"),
    ).subquery("answer")


def _sqlite_params(accepted: list[Accepted]) -> dict[str, object]:
    return {"rows": json.dumps([[a.message_id, a.lease_token, a.sid] for a in accepted])}


# Per database: the fenced UPDATE over the group's answers, and how the answers are passed.
_FENCED: dict[str, tuple[sa.Update, Callable[[list[Accepted]], dict[str, object]]]] = {
    "postgresql": (_fenced_update(_postgres_answers()), _postgres_params),
    "sqlite": (_fenced_update(_sqlite_answers()), _sqlite_params),
}


def _early_statuses(conn: sa.Connection, sids: list[str]) -> dict[str, list[int]]:
    """Ids of the callbacks that came before their sid was stored, oldest first, by sid."""
    if not sids:
        return {}
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
