"""Opt-outs per (sender number, phone), as Twilio scopes them; one writer for every path.

The phone opts out itself (a STOP keyword, Twilio's error 21610), or an agent opts it out at its
request: a free-text "please stop texting me" that no keyword catches is flagged in the
conversation (domain/optout.py asks_to_stop), never applied by itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.consent import AT_THEIR_REQUEST
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import Direction, Message, OptOut, User, utcnow
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.audit import PROVIDER, AuditAction, record
from agent_workspace.services.errors import InvalidInput, NotFound


def opt_out_of(session: Session, *, sender: str, phone: str) -> OptOut | None:
    """The phone's opt-out from `sender`, if it is opted out now."""
    row = session.exec(select(OptOut).where(OptOut.sender == sender, OptOut.phone == phone)).first()
    return row if row is not None and row.opted_out else None


def opt_out_refusal(session: Session, opt_out: OptOut) -> str:
    """Why a text to an opted-out phone is refused, naming who opted it out."""
    return (
        f"{opt_out.phone} has opted out of messages from {opt_out.sender} "
        f"({opted_out_by(session, opt_out)}). Sending is refused until they text START."
    )


def opted_out_by(session: Session, opt_out: OptOut) -> str:
    """E.g. "they texted STOP", or "Alice Agent opted them out at their request"."""
    agent = session.get(User, opt_out.changed_by_id) if opt_out.changed_by_id else None
    if agent is not None:
        return f"{agent.display_name} opted them out at their request"
    return f"they texted {opt_out.keyword or 'STOP'}"


def set_opt_out(
    session: Session,
    *,
    sender: str,
    phone: str,
    opted_out: bool,
    keyword: str,
    why: str,
    actor: Actor | str = PROVIDER,
    interaction_id: int | None = None,
    message_id: int | None = None,
) -> bool:
    """Records the subscription change with an audit row naming the actor (the provider, or
    the agent who opted the phone out); a repeated STOP (or a START from a phone never opted
    out) changes nothing, writes nothing and returns False."""
    row = session.exec(select(OptOut).where(OptOut.sender == sender, OptOut.phone == phone)).first()
    if (row.opted_out if row is not None else False) == opted_out:
        return False
    row = row or OptOut(sender=sender, phone=phone)
    row.opted_out, row.keyword, row.updated_at = opted_out, keyword[:20], utcnow()
    row.changed_by_id = actor.user_id if isinstance(actor, Actor) else None
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AuditAction.OPT_OUT_CHANGED,
        entity=row,
        interaction_id=interaction_id,
        detail={
            "sender": sender,
            "phone": phone,
            "opted_out": opted_out,
            "keyword": row.keyword,
            "why": why,
            **({"message_id": message_id} if message_id else {}),
        },
    )
    return True


@dataclass(frozen=True)
class AgentOptOut:
    """What the agent's opt-out did: the phone, the number it may no longer be texted from,
    and whether this call opted it out (False: it already was)."""

    phone: str
    sender: str
    changed: bool

    def summary(self) -> str:
        phone, sender = display_phone(self.phone), display_phone(self.sender)
        if not self.changed:
            return f"{phone} has already opted out of messages from {sender}."
        return f"{phone} is opted out of messages from {sender}."


def opt_out_at_request(
    *, actor: Actor | None, interaction_id: int, message_id: int, engine: Engine | None = None
) -> AgentOptOut:
    """The agent opts out the phone that sent `message_id` (a text in the interaction asking
    to stop) from the number it texted: a change to the interaction, so WORK (its assignee,
    its live group, a supervisor); audited as the agent's action. Send to that phone from that
    number is then refused, as after a STOP, until the phone texts START."""
    with transaction(engine) as session:
        checked, interaction = access_interaction(
            session, actor, interaction_id, need=Need.WORK, lock=True
        )
        message = session.get(Message, message_id) if is_row_id(message_id) else None
        if message is None or message.interaction_id != interaction.id:
            raise NotFound("That message is not in this conversation.")
        if message.direction is not Direction.INBOUND:
            raise InvalidInput("Only a text from the consumer can opt their number out.")
        changed = set_opt_out(
            session,
            sender=message.to_number,
            phone=message.from_number,
            opted_out=True,
            keyword="",
            why=AT_THEIR_REQUEST,
            actor=checked,
            interaction_id=interaction_id,
            message_id=message_id,
        )
        if changed:  # what Send may do here changed: the viewers' composers re-check
            events.after_commit(session, events.InteractionChanged(interaction_id))
        return AgentOptOut(message.from_number, message.to_number, changed)
