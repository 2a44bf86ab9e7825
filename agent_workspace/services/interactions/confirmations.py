"""The question a change to someone else's work asks first (a Send, a Details Save, a
Transfer), in words that name it."""

from __future__ import annotations

from sqlmodel import Session, col, select

from agent_workspace.domain.phone import display_phone
from agent_workspace.domain.routing import Confirmation, PersonRef
from agent_workspace.models import User
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.people.directory import get_people


class ConfirmationNeeded(ServiceError):
    """The change would close or take another agent's interaction, or move the number to
    another person; nothing was written. The message is the question to ask the agent."""


def confirmation_text(
    session: Session, asked: Confirmation, phone: str, person: PersonRef, action: str = "Send"
) -> str:
    """E.g. "Send will close IMS0001001 (held by Alice Agent) and move +1 415-555-0123 from
    Maria Garcia to Carlos Garcia." `action` names the button that asks (Send, Save)."""
    holders = {a for _, a in asked.closes}
    names = (
        {u.id: u.display_name for u in session.exec(select(User).where(col(User.id).in_(holders)))}
        if holders
        else {}
    )
    parts = []
    if asked.closes:
        closed = ", ".join(
            f"{n} (held by {names.get(a, 'another agent')})" for n, a in asked.closes
        )
        parts.append(f"close {closed}")
    if asked.moves_number_from is not None:
        people = get_people(session, [asked.moves_number_from, person])
        before = people.get(asked.moves_number_from)
        after = people.get(person)
        parts.append(
            f"move {display_phone(phone)} from {before.name if before else 'its previous owner'} "
            f"to {after.name if after else 'a new person'}"
        )
    return f"{action} will " + " and ".join(parts) + "."


def handover_text(
    session: Session, *, number: str, holder_id: int, to: str, action: str = "Transfer"
) -> str:
    """E.g. "Transfer will take IMS0001001 from Carol Agent and give it to Bob Agent; Carol
    Agent gets a notice." `to` names who receives it (an agent, or the queue)."""
    holder = session.get(User, holder_id)
    name = holder.display_name if holder else "another agent"
    return f"{action} will take {number} from {name} and give it to {to}; {name} gets a notice."
