"""Read models for the interaction page: header, latest messages, opt-outs, compose options."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.phone import PhoneOk, display_phone, parse_phone
from agent_workspace.models import Interaction, OptOut
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.errors import NotFound
from agent_workspace.services.interactions.lists import InteractionRow, row_view
from agent_workspace.services.interactions.live_group import member_names
from agent_workspace.services.messaging.messages import MessageView, count_messages, tail
from agent_workspace.services.people.directory import get_person, person_ref


@dataclass(frozen=True)
class ConversationView:
    interaction: InteractionRow
    account: str
    short_description: str
    members: tuple[str, ...]
    total: int  # messages in the interaction
    tail: tuple[MessageView, ...]  # the latest few, oldest first
    opted_out_from: tuple[str, ...]  # provider numbers the phone has opted out of


@dataclass(frozen=True)
class ToOption:
    e164: str
    label: str


@dataclass(frozen=True)
class ComposeOptions:
    from_numbers: tuple[str, ...]
    to_options: tuple[ToOption, ...]  # the person's valid mobile numbers, the interaction's first
    region: str
    allowed_types: frozenset[str]  # the channel's attachment policy


def conversation(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> ConversationView:
    with reading(engine) as session:
        _, interaction = access_interaction(session, actor, interaction_id)
        return _view(session, interaction)


def load_conversation(interaction_id: int, *, engine: Engine | None = None) -> ConversationView:
    """Unchecked read for the live notifier, which pushes only to already-authorised viewers."""
    with reading(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        if interaction is None:
            raise NotFound(f"Interaction {interaction_id} does not exist.")
        return _view(session, interaction)


def _view(session: Session, interaction: Interaction) -> ConversationView:
    assert interaction.id is not None
    interaction_id = interaction.id
    ref = person_ref(interaction.consumer_id, interaction.contact_id)
    person = get_person(session, ref) if ref else None
    total = count_messages(session, interaction_id)
    opted: tuple[str, ...] = ()
    if interaction.phone:
        opted = tuple(
            session.exec(
                select(OptOut.sender).where(
                    OptOut.phone == interaction.phone, col(OptOut.opted_out)
                )
            ).all()
        )
    return ConversationView(
        interaction=row_view(session, interaction),
        account=person.account or "" if person else "",
        short_description=interaction.short_description,
        members=member_names(session, [interaction_id]).get(interaction_id, ()),
        total=total,
        tail=tail(session, interaction_id, total),
        opted_out_from=opted,
    )


def compose_options(
    *, actor: Actor | None, interaction_id: int, default_region: str, engine: Engine | None = None
) -> ComposeOptions:
    """From numbers of the SMS channel, and the person's numbers that can receive SMS."""
    with reading(engine) as session:
        _, interaction = access_interaction(session, actor, interaction_id)
        channel = sms_channel(session)
        ref = person_ref(interaction.consumer_id, interaction.contact_id)
        person = get_person(session, ref) if ref else None
        region = (person.country if person and person.country else None) or default_region
        numbers = [interaction.phone] if interaction.phone else []
        numbers += [p for p in (person.phones if person else ()) if p not in numbers]
        options = []
        for number in numbers:
            if isinstance(parse_phone(number, default_region=region), PhoneOk):
                options.append(ToOption(number, f"{display_phone(number)}"))
        return ComposeOptions(
            channel.provider_numbers, tuple(options), region, channel.policy.allowed_types
        )
