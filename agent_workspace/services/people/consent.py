"""A person's consent history: every opt-out and opt-in of their numbers, newest first, with
where it came from. The ledger is the audit trail: every change is written by one writer
(services/people/ledger.py) with an audit row naming its source, so nothing is
recorded twice and nothing can change without a row here."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from agent_workspace.domain.consent import consent_change
from agent_workspace.models import AuditEvent, OptOut, User
from agent_workspace.services.audit import AuditAction

SHOWN = 20  # the panel's history; the audit log keeps every row


@dataclass(frozen=True)
class ConsentEntry:
    at: datetime
    opted_out: bool
    phone: str
    sender: str  # the sending number's label, e.g. "Support line"
    source: str


def consent_history(
    session: Session, phones: Collection[str], labels: Mapping[str, str]
) -> tuple[ConsentEntry, ...]:
    """The latest changes to the phones' consent, across every sending number (`labels`:
    sending number -> its label, as the caller read them)."""
    if not phones:
        return ()
    ids = session.exec(select(OptOut.id).where(col(OptOut.phone).in_(list(phones)))).all()
    if not ids:
        return ()
    rows = session.exec(
        select(AuditEvent, User.display_name)
        .join(User, col(User.id) == col(AuditEvent.actor_user_id), isouter=True)
        .where(
            AuditEvent.entity_type == OptOut.__tablename__,
            col(AuditEvent.entity_id).in_(ids),
            AuditEvent.action == AuditAction.OPT_OUT_CHANGED.value,
        )
        .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
        .limit(SHOWN)
    ).all()
    entries = []
    for event, actor_name in rows:
        change = consent_change(event.detail or {}, actor_name or "")
        if change is not None:
            sender = labels.get(change.sender, change.sender)
            entries.append(
                ConsentEntry(event.at, change.opted_out, change.phone, sender, change.source)
            )
    return tuple(entries)
