"""The provider's word on the messages it took: its answer to create, status callbacks, and
asking for a status that never came.

A status only moves forward (callbacks come late, twice or out of order), with an audit row per
move and the opt-out a 21610 implies; each sid is handled under its lock, so a callback that
beats the create's answer is kept (early_status) and applied when the sid is recorded.

Acceptances are recorded many at once: a dispatcher sending many messages records them in one
transaction (a few statements for the whole group instead of a transaction per message), which
is what lets the outbox drain at the provider's pace; each is still fenced by the lease token
it was claimed with (claims.py).

Twilio posts each status callback once and never again: one that arrived while the app was
down (a restart, a crash, a database outage answered 503) is lost, and its message would stay
"sent" (or "queued") for good. Every message the provider took has a time to ask for its status
(`status_check_due_at`, set when it is accepted); a final status clears it. Each worker claims
due messages by pushing that time on (so no other worker asks at once), asks the provider, and
applies the answer as a callback would be applied.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_sid, lock_sids
from agent_workspace.domain.consent import PROVIDER_REFUSED
from agent_workspace.domain.error_playbook import failure_text
from agent_workspace.domain.provider import (
    FINAL,
    SETTLEABLE,
    STATUS_CHECKS_END,
    advances,
    next_status_check,
)
from agent_workspace.models import Direction, EarlyStatus, Message, MessageStatus, utcnow
from agent_workspace.ops.metrics import DELIVERY, count_after_commit, error_label
from agent_workspace.services import audit, events
from agent_workspace.services.audit import PROVIDER, SYSTEM, AuditAction, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.outbox.playbook import follow_play
from agent_workspace.services.people.ledger import set_opt_out
from agent_workspace.services.sla.clocks import keep_due

CANCELED = "Canceled before it was sent."
#: The first look-up this long after the provider took the message (AW_STATUS_CHECK_SECONDS).
STATUS_CHECK_AFTER = timedelta(minutes=10)
_MESSAGES: sa.Table = Message.__table__  # type: ignore[attr-defined]
_EARLY: sa.Table = EarlyStatus.__table__  # type: ignore[attr-defined]


def advance(session: Session, message: Message, new: str, error_code: int | None) -> bool:
    """Moves the message to stored status `new` if that is forward (callbacks come late, twice
    or out of order); True when it moved."""
    if not advances(message.status.value, new):
        return False
    previous = message.status
    message.status = MessageStatus(new)
    message.updated_at = utcnow()
    if new == "delivered":
        message.delivered_at = message.updated_at
    if new in FINAL:
        message.status_check_due_at = None  # nothing left to ask the provider
    if new in ("failed", "undelivered"):
        message.error_code = error_code
        message.error_message = (
            failure_text(error_code) if error_code else "The carrier did not deliver it."
        )
        if error_code == 21610:
            provider_opt_out(session, message)
        follow_play(session, message, error_code)
    if new == "canceled":
        message.error_message = CANCELED
    session.add(message)
    if message.author_id is not None and new in ("failed", "undelivered", "canceled"):
        keep_due(session, [message.interaction_id])  # no reply after all: the wait goes on
    code = error_label(error_code if new in ("failed", "undelivered") else None)
    count_after_commit(session, DELIVERY, status=new, error_code=code)
    record(
        session=session,
        actor=PROVIDER,
        action=AuditAction.MESSAGE_STATUS,
        entity=message,
        detail={"from": previous.value, "to": new, "error_code": error_code},
    )
    return True


def provider_opt_out(session: Session, message: Message) -> None:
    """Twilio refused with 21610: the recipient opted out of this sender, so record it."""
    set_opt_out(
        session,
        sender=message.provider_from or message.from_number,
        phone=message.to_number,
        opted_out=True,
        keyword="STOP",
        why=PROVIDER_REFUSED,
    )
    # What Send may do here changed, not only a message: the viewers' composers re-check.
    events.after_commit(session, events.InteractionChanged(message.interaction_id))


def apply_delivery_status(
    *,
    sid: str,
    status: str,
    error_code: int | None,
    from_: str | None = None,
    engine: Engine | None = None,
) -> bool:
    """A status callback: applied if it moves the message on; kept if the sid is not known yet.

    `status` is already ours (domain/provider.py stored_status: parse_status gives it). `from_`
    is the sender the callback names: through a Messaging Service, the one Twilio chose, kept
    whether or not the status moves (callbacks come in any order). True when either changed.
    """
    new = MessageStatus(status)
    with transaction(engine) as session:
        lock_sid(session, sid)
        message = session.exec(select(Message).where(Message.provider_sid == sid)).first()
        if message is None:
            session.add(EarlyStatus(provider_sid=sid, status=new, error_code=error_code))
            return False
        if message.direction is Direction.INBOUND:
            raise InvalidInput(
                f"{sid} is an inbound message; status callbacks are for messages we send."
            )
        changed = note_sender(session, message, from_)
        changed = advance(session, message, new.value, error_code) or changed
        if changed:
            events.after_commit(
                session, events.InteractionChanged(message.interaction_id, messages_only=True)
            )
        return changed


def note_sender(session: Session, message: Message, from_: str | None) -> bool:
    """Keeps the sender the provider reports for `message` (a Messaging Service picks it, and
    Sticky Sender keeps it per consumer as Twilio decides); True when it is new."""
    if not from_ or from_ == message.provider_from:
        return False
    before, message.provider_from = message.provider_from, from_
    session.add(message)
    record(
        session=session,
        actor=PROVIDER,
        action=AuditAction.MESSAGE_SENDER_REPORTED,
        entity=message,
        detail={"before": before, "from": from_, "service": message.messaging_service_sid},
    )
    return True


@dataclass(frozen=True)
class Accepted:
    """The provider's answer to one create (or the copy a lookup found), under `lease_token`;
    `status` is the stored status it means (domain/provider.py stored_status); `from_` the
    sender it names ("" while a Messaging Service has not picked one)."""

    message_id: int
    lease_token: str
    sid: str
    status: str
    error_code: int | None = None
    from_: str = ""


def record_accepted(
    accepted: list[Accepted],
    *,
    check_after: timedelta = STATUS_CHECK_AFTER,
    engine: Engine | None = None,
) -> set[int]:
    """Keeps each message's sid and status, then applies callbacks that beat us here; returns the
    ids recorded. A message whose lease was lost is left untouched (and not returned). Should
    no final status come within `check_after`, the provider is asked (claim_unsettled).

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
            or advances(MessageStatus(row.status).value, by_id[row.id].status)
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
                    # The sender Twilio chose (a Messaging Service) when its answer named one.
                    detail={"sid": by_id[row.id].sid, "status": final[row.id]}
                    | ({"from": by_id[row.id].from_} if by_id[row.id].from_ else {}),
                )
                for row in won
            ],
        )
        for row in won:
            events.after_commit(
                session, events.InteractionChanged(row.interaction_id, messages_only=True)
            )
        return {row.id for row in won}


def mark_accepted(
    *,
    message_id: int,
    lease_token: str,
    sid: str,
    status: str,
    error_code: int | None = None,
    engine: Engine | None = None,
) -> bool:
    """The provider took the message: keep its sid, then apply any callback that beat us here.

    Returns False (and records nothing) when the lease was lost. (record_accepted does
    the same for many messages in one transaction.)
    """
    answer = Accepted(message_id, lease_token, sid, status, error_code)
    return message_id in record_accepted([answer], engine=engine)


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
            provider_from=sa.func.coalesce(
                sa.func.nullif(answer.c.sender, ""), _MESSAGES.c.provider_from
            ),
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
        sa.func.unnest(array("senders", sa.String())).label("sender"),
    ).subquery("answer")


def _postgres_params(accepted: list[Accepted]) -> dict[str, object]:
    return {
        "ids": [a.message_id for a in accepted],
        "tokens": [a.lease_token for a in accepted],
        "sids": [a.sid for a in accepted],
        "senders": [a.from_ for a in accepted],
    }


def _sqlite_answers() -> sa.Subquery:
    each = sa.func.json_each(sa.bindparam("rows", type_=sa.String())).table_valued("value")
    return sa.select(
        sa.func.json_extract(each.c.value, "$[0]").label("id"),
        sa.func.json_extract(each.c.value, "$[1]").label("token"),
        sa.func.json_extract(each.c.value, "$[2]").label("sid"),
        sa.func.json_extract(each.c.value, "$[3]").label("sender"),
    ).subquery("answer")


def _sqlite_params(accepted: list[Accepted]) -> dict[str, object]:
    rows = [[a.message_id, a.lease_token, a.sid, a.from_] for a in accepted]
    return {"rows": json.dumps(rows)}


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


@dataclass(frozen=True)
class Unsettled:
    """A message whose status the provider is asked for."""

    message_id: int
    sid: str


def claim_unsettled(
    *, limit: int, first: timedelta = STATUS_CHECK_AFTER, engine: Engine | None = None
) -> list[Unsettled]:
    """Up to `limit` messages due for a look-up, each pushed to its next look-up time (so other
    workers pass them by); messages older than STATUS_CHECKS_END are no longer looked up."""
    now = utcnow()
    with transaction(engine) as session:
        conn = session.connection()
        due = conn.execute(_CHECK_DUE, {"now": now, "limit": limit}).all()
        if not due:
            return []
        old = [row.id for row in due if row.created_at < now - STATUS_CHECKS_END]
        if old:
            _stop(conn, old)
        claimed = [row for row in due if row.id not in set(old)]
        for row in claimed:
            next_at = now + next_status_check(row.status_checks + 1, first=first)
            conn.execute(_CHECK_LATER, {"message_id": row.id, "next_at": next_at})
        return [Unsettled(row.id, row.provider_sid) for row in claimed]


def unknown_to_provider(*, message_id: int, reason: str, engine: Engine | None = None) -> None:
    """The provider does not know the message's sid: asking again will not change that."""
    with transaction(engine) as session:
        _stop(session.connection(), [message_id])
        message = session.get(Message, message_id)
        if message is not None:
            record(
                session=session,
                actor=SYSTEM,
                action=AuditAction.MESSAGE_STATUS_CHECKED,
                entity=message,
                detail={"found": False, "reason": reason},
            )


def _stop(conn: Connection, ids: list[int]) -> None:
    conn.execute(_NO_MORE_CHECKS, {"ids": ids})


_CHECK_DUE = (
    sa.select(
        _MESSAGES.c.id, _MESSAGES.c.provider_sid, _MESSAGES.c.status_checks, _MESSAGES.c.created_at
    )
    .where(
        _MESSAGES.c.status_check_due_at <= sa.bindparam("now"),
        _MESSAGES.c.direction == Direction.OUTBOUND,
        _MESSAGES.c.provider_sid.is_not(None),
        _MESSAGES.c.status.in_(sorted(SETTLEABLE)),
    )
    .order_by(_MESSAGES.c.status_check_due_at)
    .limit(sa.bindparam("limit"))
    .with_for_update(skip_locked=True)
)
_CHECK_LATER = (
    sa.update(_MESSAGES)
    .where(_MESSAGES.c.id == sa.bindparam("message_id"))
    .values(
        status_check_due_at=sa.bindparam("next_at"), status_checks=_MESSAGES.c.status_checks + 1
    )
)
_NO_MORE_CHECKS = (
    sa.update(_MESSAGES)
    .where(_MESSAGES.c.id.in_(sa.bindparam("ids", expanding=True)))
    .values(status_check_due_at=None)
)
