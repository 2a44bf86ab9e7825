"""receive_sms: an inbound message from the provider's webhook, stored once and routed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.optout import OptAction, opt_action
from agent_workspace.domain.routing import PersonKind, PersonRef, decide_inbound
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import (
    Attachment,
    Direction,
    Interaction,
    InteractionType,
    Message,
    MessageStatus,
    ProviderNumber,
)
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, AuditAction, record
from agent_workspace.services.errors import NotFound
from agent_workspace.services.interactions.lifecycle import (
    close_interaction,
    note_last_message,
    open_interaction,
)
from agent_workspace.services.interactions.live_group import member_ids
from agent_workspace.services.messaging import wakeups
from agent_workspace.services.messaging.opt_outs import set_opt_out
from agent_workspace.services.messaging.routing import (
    active_interactions,
    as_active,
    create_profile,
    deactivate_profile,
)
from agent_workspace.services.people.directory import add_person
from agent_workspace.services.people.resolvers import ProfileResolver, get_resolver

InboundSms = InboundText
"""The parts of Twilio's inbound webhook the workspace keeps (checked by the webhook route)."""


@dataclass(frozen=True)
class Received:
    message_id: int
    interaction_id: int
    interaction_number: str


def receive_sms(
    *, sms: InboundSms, resolver: ProfileResolver | None = None, engine: Engine | None = None
) -> Received:
    """Idempotent by MessageSid: a webhook delivered twice stores one message. A text that
    opens an interaction goes to the person the profile resolver names, as Send does."""
    with transaction(engine) as session:
        return receive_in(session, sms=sms, resolver=resolver)


def receive_in(
    session: Session,
    *,
    sms: InboundSms,
    resolver: ProfileResolver | None = None,
    phone_locked: bool = False,
) -> Received:
    """receive_sms inside the caller's transaction (the router settles its row in the same one,
    having taken the sender's phone lock: `phone_locked`)."""
    if not phone_locked and (earlier := _earlier(session, sms.sid)) is not None:
        return earlier  # a provider retry, told before waiting for the lock
    number = session.exec(select(ProviderNumber).where(ProviderNumber.e164 == sms.to)).first()
    if number is None:
        raise NotFound(f"{sms.to} is not a provider number of any channel.")
    if not phone_locked:
        lock_phone(session, number.channel_id, sms.from_)
    # The same webhook may be in flight twice: the one that waited for the lock finds it.
    if (earlier := _earlier(session, sms.sid)) is not None:
        return earlier
    action = opt_action(sms.body, sms.opt_out_type)
    if action in (OptAction.OPT_OUT, OptAction.OPT_IN):
        _record_opt(session, sms, action)
    target, reused, members = _target_interaction(session, number.channel_id, sms.from_, resolver)
    message = _store(session, sms, target)
    if action is OptAction.HELP:
        record(
            session=session,
            actor=PROVIDER,
            action=AuditAction.OPT_OUT_HELP_REQUESTED,
            entity=message,
            detail={"sender": sms.to, "phone": sms.from_, "body": sms.body[:40]},
        )
    assert target.id is not None and message.id is not None
    # Into the interaction as it was, with no opt-out change: its viewers need only the messages.
    only_messages = reused and action not in (OptAction.OPT_OUT, OptAction.OPT_IN)
    events.after_commit(
        session, events.InteractionChanged(target.id, members, messages_only=only_messages)
    )
    if sms.media:
        wakeups.announce(session)
    return Received(message.id, target.id, target.number)


def _earlier(session: Session, sid: str) -> Received | None:
    message = session.exec(select(Message).where(Message.provider_sid == sid)).first()
    if message is None:
        return None
    interaction = session.get(Interaction, message.interaction_id)
    assert interaction is not None and interaction.id is not None and message.id is not None
    return Received(message.id, interaction.id, interaction.number)


def _record_opt(session: Session, sms: InboundSms, action: OptAction) -> None:
    word = sms.body.strip().upper()
    # The keyword they texted, or the provider's verdict for a longer or custom text.
    keyword = word if word and len(word) <= 20 and " " not in word else action.value
    set_opt_out(
        session,
        sender=sms.to,
        phone=sms.from_,
        opted_out=action is OptAction.OPT_OUT,
        keyword=keyword,
        why="inbound keyword",
    )


def _target_interaction(
    session: Session, channel_id: int, phone: str, resolver: ProfileResolver | None
) -> tuple[Interaction, bool, frozenset[int]]:
    """The active interaction for the phone, or a new one held by the virtual agent; True when
    it is the one that was active, and nothing else changed (no duplicate closed); and its live
    group. Its updated_at moves with the message stored next (note_last_message)."""
    active = active_interactions(session, channel_id, phone)
    views = tuple(as_active(session, i) for i in active)
    decision = decide_inbound(views)
    for closing in active:
        if closing.id in decision.close_interaction_ids:
            close_interaction(
                session=session, actor=PROVIDER, interaction=closing, reason="duplicate"
            )
    if decision.target_interaction_id is not None:
        target = next(i for i in active if i.id == decision.target_interaction_id)
        members = next(v.live_group for v in views if v.id == target.id)
        return target, not decision.close_interaction_ids, members
    session.flush()
    # The resolver is read only here: a text into an active interaction never needs it.
    chosen = resolver or get_resolver(session=session, channel_id=channel_id, strict=False)
    person, profile_id = _sender(session, channel_id, phone, chosen)
    opened = open_interaction(
        session=session,
        actor=PROVIDER,
        type=InteractionType.MESSAGING,
        person=person,
        assign_to=None,
        virtual_agent=True,
        channel_id=channel_id,
        phone=phone,
        profile_id=profile_id,
        short_description="Inbound SMS",
    )
    assert opened.id is not None
    return opened, False, member_ids(session, opened.id)


def _sender(
    session: Session, channel_id: int, phone: str, resolver: ProfileResolver
) -> tuple[PersonRef | None, int | None]:
    """Who texted, as the resolver says, with their active profile (made or replaced if needed).

    A number shared by people the resolver cannot tell apart gets no person and no profile: the
    agent who picks the interaction up says who it is.
    """
    resolution = resolver.resolve(session, channel_id=channel_id, phone=phone, context_person=None)
    current = resolution.active_profile
    person = resolution.person
    if person is None and resolution.ambiguous:
        return None, None
    if person is None:
        person = add_person(
            session=session,
            kind=PersonKind.CONSUMER,
            first_name="Unknown",
            last_name=f"({phone})",
            phones=(phone,),
        )
    if current is not None and current.person == person:
        return person, current.id
    if current is not None:
        deactivate_profile(
            session, current.id, PROVIDER, "the profile resolver named another person"
        )
    return person, create_profile(session, channel_id, phone, person, PROVIDER)


def _store(session: Session, sms: InboundSms, target: Interaction) -> Message:
    assert target.id is not None
    message = Message(
        interaction_id=target.id,
        direction=Direction.INBOUND,
        body=sms.body,
        from_number=sms.from_,
        to_number=sms.to,
        status=MessageStatus.RECEIVED,
        provider_sid=sms.sid,
        segments=1 if sms.body else 0,
    )
    session.add(message)
    session.flush()
    note_last_message(
        target, body=sms.body, attachments=len(sms.media), inbound=True, at=message.created_at
    )
    session.add(target)
    for index, (url, content_type) in enumerate(sms.media):
        session.add(
            Attachment(
                message_id=message.id,
                filename=f"media-{index + 1}",
                content_type=content_type or "application/octet-stream",
                size=0,
                provider_media_url=url,
            )
        )
    record(
        session=session,
        actor=PROVIDER,
        action=AuditAction.MESSAGE_RECEIVED,
        entity=message,
        detail={"sid": sms.sid, "from": sms.from_, "to": sms.to, "interaction": target.number},
    )
    return message
