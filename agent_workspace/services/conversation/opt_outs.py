"""Opt-outs per (sender number, phone), as Twilio scopes them; one writer for every path."""

from __future__ import annotations

from sqlmodel import Session, select

from agent_workspace.models import OptOut, utcnow
from agent_workspace.services.audit import PROVIDER, AuditAction, save_and_record


def opt_out_of(session: Session, *, sender: str, phone: str) -> OptOut | None:
    """The phone's opt-out from `sender`, if it is opted out now."""
    row = session.exec(select(OptOut).where(OptOut.sender == sender, OptOut.phone == phone)).first()
    return row if row is not None and row.opted_out else None


def set_opt_out(
    session: Session, *, sender: str, phone: str, opted_out: bool, keyword: str, why: str
) -> None:
    """Records the subscription change with an audit row naming the provider as the actor;
    a repeated STOP (or a START from a phone never opted out) changes nothing and writes nothing."""
    row = session.exec(select(OptOut).where(OptOut.sender == sender, OptOut.phone == phone)).first()
    if (row.opted_out if row is not None else False) == opted_out:
        return
    row = row or OptOut(sender=sender, phone=phone)
    row.opted_out, row.keyword, row.updated_at = opted_out, keyword[:20], utcnow()
    save_and_record(
        session=session,
        actor=PROVIDER,
        action=AuditAction.OPT_OUT_CHANGED,
        entity=row,
        detail={
            "sender": sender,
            "phone": phone,
            "opted_out": opted_out,
            "keyword": row.keyword,
            "why": why,
        },
    )
