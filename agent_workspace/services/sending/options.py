"""What the composer offers: From numbers with their labels and the one to preselect (or,
through the channel's Messaging Service, no From: Twilio picks the sender, and the one it last
used for the phone is said), the person's numbers (each saying why a text would not reach it),
and the regions typed numbers are read in."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, or_, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import ACTIVE_STATES, Direction, InteractionType, Message
from agent_workspace.services.access import Actor, access_interaction
from agent_workspace.services.channels.settings import sms_channel
from agent_workspace.services.people.directory import (
    get_person,
    person_ref,
    reach_of,
    stored_kinds,
)


@dataclass(frozen=True)
class ToOption:
    e164: str
    label: str  # the number, and why a text would not reach it ("… · landline, cannot …")
    sendable: bool = True  # False: its digits say no text reaches it (shown, not choosable)
    warned: bool = False  # something says a text may not reach it (e.g. its last one failed)


@dataclass(frozen=True)
class ComposeOptions:
    from_numbers: tuple[tuple[str, str], ...]  # (E.164, label or ""), the channel's order
    default_from: str  # the number the consumer last wrote to or was written from; else first
    # The person's numbers: the interaction's first, then their stored ones, then those that
    # are theirs on the SMS channel only; one that cannot take a text says why.
    to_options: tuple[ToOption, ...]
    default_to: str  # the first that nothing warns about, else the first sendable, else ""
    # A number typed without its country code is read in the person's region when it is valid
    # there, else in the workspace's (domain.phone.read_typed_number), as Send reads it.
    person_region: str | None
    workspace_region: str
    allowed_types: frozenset[str]  # the channel's attachment policy
    inline: bool  # an active messaging interaction: the reply box is open from the start
    # The channel sends through a Messaging Service: no From to choose (Twilio picks from the
    # service's pool); (To, the sender it last used for it) for the To options that have one.
    via_service: bool = False
    service_senders: tuple[tuple[str, str], ...] = ()


def compose_options(
    *, actor: Actor | None, interaction_id: int, default_region: str, engine: Engine | None = None
) -> ComposeOptions:
    with reading(engine) as session:
        _, interaction = access_interaction(session, actor, interaction_id)
        channel = sms_channel(session)
        ref = person_ref(interaction.consumer_id, interaction.contact_id)
        person = get_person(session, ref) if ref else None
        person_region = person.country if person and person.country else None
        kinds = {interaction.phone: ""} if interaction.phone else {}
        kinds.update(stored_kinds(session, ref) if ref else {})
        options = [
            ToOption(n, found.option(display_phone(n)), found.sendable, bool(found.warning))
            for n, found in reach_of(session, kinds).items()
        ]
        own = channel.provider_numbers
        last = _last_number_used(session, options[0].e164, own) if options else None
        via_service = bool(channel.messaging_service_sid)
        return ComposeOptions(
            from_numbers=tuple((n, channel.label(n)) for n in own),
            default_from=last or (own[0] if own else ""),
            to_options=tuple(options),
            default_to=_default_to(options),
            person_region=person_region,
            workspace_region=channel.region or default_region,
            allowed_types=channel.policy.allowed_types,
            inline=interaction.type is InteractionType.MESSAGING
            and interaction.state in ACTIVE_STATES
            and interaction.last_message_at is not None,
            via_service=via_service,
            service_senders=_sticky_senders(session, [o.e164 for o in options], own)
            if via_service
            else (),
        )


def _default_to(options: list[ToOption]) -> str:
    """The To preselected: a number nothing warns about, else one a text can still reach."""
    fine = [o.e164 for o in options if not o.warned]
    usable = [o.e164 for o in options if o.sendable]
    return (fine or usable or [""])[0]


def _last_number_used(session: Session, phone: str, own: tuple[str, ...]) -> str | None:
    """Our number in the latest message with `phone`, in any interaction, if still ours."""
    latest = session.exec(
        select(Message)
        .where(
            or_(
                (Message.direction == Direction.INBOUND) & (Message.from_number == phone),
                (Message.direction == Direction.OUTBOUND) & (Message.to_number == phone),
            )
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(1)
    ).first()
    if latest is None:
        return None
    ours = latest.to_number if latest.direction is Direction.INBOUND else latest.from_number
    return ours if ours in own else None


def sticky_sender(session: Session, phone: str, own: tuple[str, ...]) -> str:
    """The sender Twilio last chose for `phone` through a Messaging Service (the message's
    `provider_from`; Twilio keeps it per recipient: Sticky Sender), if still ours; else ""."""
    if not phone:
        return ""
    latest = session.exec(
        select(Message.provider_from)
        .where(
            Message.direction == Direction.OUTBOUND,
            Message.to_number == phone,
            col(Message.messaging_service_sid).is_not(None),
            col(Message.provider_from).is_not(None),
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(1)
    ).first()
    return latest if latest and latest in own else ""


def _sticky_senders(
    session: Session, phones: list[str], own: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    found = ((phone, sticky_sender(session, phone, own)) for phone in phones)
    return tuple((phone, sender) for phone, sender in found if sender)


def service_from(session: Session, phone: str, own: tuple[str, ...]) -> str:
    """The From a Send through the channel's Messaging Service records (the agent chose none):
    the sender Twilio last chose for the phone, else our number it last wrote to or was written
    from, else the channel's first. Opt-out checks and a later retry read it; Twilio is sent
    the service, not this number."""
    return sticky_sender(session, phone, own) or _last_number_used(session, phone, own) or own[0]
