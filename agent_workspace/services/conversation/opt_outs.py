"""An agent opts a phone out at its request: a free-text "please stop texting me" that no
keyword catches is flagged in the conversation (domain/optout.py asks_to_stop), never applied by
itself. The ledger and its one writer are services/people/ledger.py.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.domain.access import Need
from agent_workspace.domain.consent import (
    AT_THEIR_REQUEST,
)
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import (
    Direction,
    Message,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.people.ledger import set_opt_out


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
