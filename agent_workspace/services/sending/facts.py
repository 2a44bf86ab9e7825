"""What the composer needs to know of a recipient beyond the text, read once each time To
changes (never per keystroke): whether a text would be the first between the channel and that
phone, the channel's business name, the number's country, and the zone their time is read in.
The checks themselves are pure (domain/deliverability.py, domain/consumer_time.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, and_, col, or_, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.consumer_time import ConsumerZone, consumer_zone
from agent_workspace.domain.phone import country_of, is_e164
from agent_workspace.domain.quiet_hours import Policy
from agent_workspace.models import Direction, Interaction, Message, Role
from agent_workspace.services.access import Actor, access_interaction, require_role
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.conversation.quiet_hours import last_inbound_at
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.people.directory import get_person, person_ref, stored_kinds


@dataclass(frozen=True)
class RecipientFacts:
    """What the checks of a text to one number need, besides the text and its files.

    Attributes:
        first_message: No text went to or came from this phone on the channel yet: the text
            would start the conversation (a reply to someone who wrote first does not).
        business_name: The channel's, "" while none is set.
        region: The number's country (ISO 3166 alpha-2), None when it has none.
        where: The zone their time is read in (the person's stored zone for their numbers).
        quiet: The channel's quiet-hours policy, None while quiet hours are off.
        last_inbound_at: When they last texted the channel (a reply soon after is exempt).
    """

    first_message: bool
    business_name: str
    region: str | None
    where: ConsumerZone
    quiet: Policy | None = None
    last_inbound_at: datetime | None = None


def recipient_facts(
    *, actor: Actor | None, interaction_id: int, to: str, engine: Engine | None = None
) -> RecipientFacts:
    """The facts of a text to `to` (E.164) composed on `interaction_id` (0: none)."""
    if not is_e164(to):
        raise InvalidInput("The number must be in E.164, e.g. +14155550100.")
    with reading(engine) as session:
        stored_zone = None
        if interaction_id:
            _, interaction = access_interaction(session, actor, interaction_id)
            stored_zone = _persons_zone(session, interaction, to)
        else:
            require_role(actor, Role.AGENT)
        channel = sms_channel(session)
        return RecipientFacts(
            first_message=not _texted_before(session, channel.id, to),
            business_name=channel.business_name,
            region=country_of(to),
            where=consumer_zone(to, stored_zone),
            quiet=channel.quiet if channel.quiet.enabled else None,
            last_inbound_at=last_inbound_at(session, channel=channel, phone=to),
        )


def _persons_zone(session: Session, interaction: Interaction, to: str) -> str | None:
    """The zone stored on the interaction's person, when `to` is one of their numbers."""
    ref = person_ref(interaction.consumer_id, interaction.contact_id)
    if ref is None:
        return None
    person = get_person(session, ref)
    if person is None or not person.time_zone:
        return None
    theirs = to == interaction.phone or to in stored_kinds(session, ref)
    return person.time_zone if theirs else None


def _texted_before(session: Session, channel_id: int, phone: str) -> bool:
    """Whether any text went to `phone` or came from it on the channel (through the phone's
    interactions: the indexed way to its messages)."""
    found = session.exec(
        select(Message.id)
        .join(Interaction, col(Interaction.id) == col(Message.interaction_id))
        .where(
            Interaction.channel_id == channel_id,
            Interaction.phone == phone,
            or_(
                and_(Message.direction == Direction.OUTBOUND, Message.to_number == phone),
                and_(Message.direction == Direction.INBOUND, Message.from_number == phone),
            ),
        )
        .limit(1)
    ).first()
    return found is not None
