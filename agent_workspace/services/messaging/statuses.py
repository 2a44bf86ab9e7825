"""A provider's status applied to one of our messages: forward only, an audit row per move, the
opt-out a 21610 implies, and one sid handled at a time (shared by the outbox's accept and the
status callback)."""

from __future__ import annotations

from sqlmodel import Session

from agent_workspace.domain.delivery import FINAL, forward_to
from agent_workspace.models import Message, MessageStatus, utcnow
from agent_workspace.ops.metrics import DELIVERY, count_after_commit, error_label
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, AuditAction, record
from agent_workspace.services.conversation.opt_outs import set_opt_out
from agent_workspace.sms.errors import describe_error


def advance(session: Session, message: Message, status: str, error_code: int | None) -> bool:
    """Moves the message to `status` if that is forward (callbacks come late, twice or out of
    order); True when it moved."""
    new = forward_to(message.status.value, status)
    if new is None:
        return False
    previous = message.status
    message.status = MessageStatus(new)
    message.updated_at = utcnow()
    if new == "delivered":
        message.delivered_at = message.updated_at
    if new in FINAL:
        message.status_check_due_at = None  # nothing left to ask the provider (settling.py)
    if new in ("failed", "undelivered"):
        message.error_code = error_code
        message.error_message = (
            describe_error(error_code) if error_code else "The carrier did not deliver it."
        )
        if error_code == 21610:
            provider_opt_out(session, message)
    session.add(message)
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
        sender=message.from_number,
        phone=message.to_number,
        opted_out=True,
        keyword="STOP",
        why="provider error 21610",
    )
    # What Send may do here changed, not only a message: the viewers' composers re-check.
    events.after_commit(session, events.InteractionChanged(message.interaction_id))
