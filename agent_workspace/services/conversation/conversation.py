"""Read models for the interaction page: header, latest messages, opt-outs, compose options."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.db.engine import reading
from agent_workspace.models import Interaction
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.conversation.messages import MessageView, latest
from agent_workspace.services.errors import NotFound
from agent_workspace.services.interactions.lists import InteractionRow, row_view
from agent_workspace.services.interactions.live_group import member_names
from agent_workspace.services.people.directory import get_person, person_ref
from agent_workspace.services.people.ledger import stopped_senders
from agent_workspace.services.sla.clocks import SlaPlan, nearest_clock


@dataclass(frozen=True)
class ConversationView:
    interaction: InteractionRow
    account: str
    short_description: str
    members: tuple[str, ...]
    total: int  # messages in the interaction
    tail: tuple[MessageView, ...]  # the latest few, oldest first
    # The numbers texts to the phone are stopped from (ledger.stopped_senders: the STOP policy).
    opted_out_from: tuple[str, ...]
    earlier_id: int = 0  # the interaction this one took over from (workflow 3 or 4)
    earlier_number: str = ""
    earlier: tuple[MessageView, ...] = ()  # its latest messages, for context
    earlier_person: str = ""  # whom they were exchanged with (workflow 4: another person)
    labels: tuple[tuple[str, str], ...] = ()  # the channel's numbers and their labels
    case_id: int | None = None  # the linked case (the Details form follows it)


def conversation(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> ConversationView:
    with reading(engine) as session:
        _, interaction = access_interaction(session, actor, interaction_id)
        return _view(session, interaction)


def require_viewable(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> None:
    """Raises unless the actor may view the interaction (it exists): asked before a tab links
    to its live feed, so a URL naming no interaction registers no viewer."""
    with reading(engine) as session:
        access_interaction(session, actor, interaction_id)


def load_conversation(interaction_id: int, *, engine: Engine | None = None) -> ConversationView:
    """Unchecked read for the live notifier, which pushes only to already-authorised viewers."""
    with reading(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        if interaction is None:
            raise NotFound(f"Interaction {interaction_id} does not exist.")
        return _view(session, interaction)


@dataclass(frozen=True)
class LatestMessages:
    """What a change to messages only (one in, a status, a note) alters on the page: a text
    in starts an SLA clock, a reply failing starts it again, so its nearest clock rides too."""

    interaction_id: int
    total: int
    tail: tuple[MessageView, ...]
    sla: SlaPlan | None = None


def load_latest_messages(interaction_id: int, *, engine: Engine | None = None) -> LatestMessages:
    """Unchecked read for the live notifier: two queries where the whole view takes fifteen."""
    with reading(engine) as session:
        return latest_messages_in(session, interaction_id)


def latest_messages_in(session: Session, interaction_id: int) -> LatestMessages:
    """load_latest_messages in the caller's read (the notifier's round shares one)."""
    total, tail = latest(session, interaction_id)
    return LatestMessages(interaction_id, total, tail, nearest_clock(session, interaction_id))


def _view(session: Session, interaction: Interaction) -> ConversationView:
    assert interaction.id is not None
    interaction_id = interaction.id
    ref = person_ref(interaction.consumer_id, interaction.contact_id)
    person = get_person(session, ref) if ref else None
    total, shown = latest(session, interaction_id)
    phone = interaction.phone
    opted = stopped_senders(session, [phone]).get(phone, ()) if phone else ()
    return ConversationView(
        interaction=row_view(session, interaction),
        account=person.account or "" if person else "",
        short_description=interaction.short_description,
        members=member_names(session, [interaction_id]).get(interaction_id, ()),
        total=total,
        tail=shown,
        opted_out_from=opted,
        labels=_labels(session),
        case_id=interaction.case_id,
        **_earlier(session, interaction.previous_interaction_id),
    )


def _labels(session: Session) -> tuple[tuple[str, str], ...]:
    try:
        return sms_channel(session).labels
    except NotFound:
        return ()


def _earlier(session: Session, previous_id: int | None) -> dict[str, Any]:
    """What the consumer said before the hand-over (e.g. to the virtual agent), and who said
    it: after workflow 4 that is another person than the new interaction's."""
    previous = session.get(Interaction, previous_id) if previous_id else None
    if previous is None or previous.id is None:
        return {}
    ref = person_ref(previous.consumer_id, previous.contact_id)
    person = get_person(session, ref) if ref else None
    return {
        "earlier_id": previous.id,
        "earlier_number": previous.number,
        "earlier": latest(session, previous.id)[1],
        "earlier_person": person.name if person else "",
    }
