"""An inbound text becomes a message of the phone's interaction: opt-outs, the profile, the
routing decision, the message row (and the after-hours auto-reply, when due), its audit row
and events.

The router (route.py) calls receive_in with the text and channel it read from the accepted row,
holding the phone's lock, the row's unique MessageSid already standing for "never twice".
receive_sms is the same for a caller with nothing accepted (tests, tools): it finds the channel
and rules out a MessageSid stored before, itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.consent import INBOUND_KEYWORD
from agent_workspace.domain.optout import OptAction, opt_action
from agent_workspace.domain.routing import (
    ActiveInteraction,
    PersonKind,
    PersonRef,
    decide_inbound,
)
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import (
    Attachment,
    Direction,
    Interaction,
    InteractionType,
    Message,
    MessageStatus,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.audit import PROVIDER, AuditAction, record_rows, row
from agent_workspace.services.channels.numbers import NumberOwner, owner_in
from agent_workspace.services.errors import NotFound
from agent_workspace.services.inbound.after_hours import auto_reply
from agent_workspace.services.interactions.active import active_views, as_active
from agent_workspace.services.interactions.assignment import assign_opened
from agent_workspace.services.interactions.lifecycle import (
    close_interaction,
    note_inbound_message,
    open_interaction,
)
from agent_workspace.services.interactions.live_group import member_ids
from agent_workspace.services.interactions.snooze import wake_on_reply
from agent_workspace.services.outbox import wakeups
from agent_workspace.services.people.directory import add_person
from agent_workspace.services.people.ledger import set_opt_out
from agent_workspace.services.people.profiles import create_profile, deactivate_profile
from agent_workspace.services.people.resolvers import ProfileResolver, resolver_for
from agent_workspace.services.sla.clocks import keep_due

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
        if (earlier := _earlier(session, sms.sid)) is not None:
            return earlier  # a provider retry, told before waiting for the lock
        # In this transaction: a second connection may wait for the SQLite write lock this
        # one holds, and with the pool taken by writers waiting for it, the two waited for
        # each other (tests/integration/send/test_concurrency.py).
        owner = owner_in(session, sms.to)
        if owner is None:
            raise NotFound(f"{sms.to} is not a provider number of any channel.")
        lock_phone(session, owner.channel_id, sms.from_)
        # The same webhook may be in flight twice: the one that waited for the lock finds it.
        if (earlier := _earlier(session, sms.sid)) is not None:
            return earlier
        return receive_in(session, sms=sms, channel=owner, resolver=resolver)


def receive_in(
    session: Session,
    *,
    sms: InboundSms,
    channel: NumberOwner,
    resolver: ProfileResolver | None = None,
) -> Received:
    """receive_sms's work inside the caller's transaction, which holds the sender's phone lock
    and knows the MessageSid is new (the router settles its row in the same one).

    A text into the phone's one active interaction, the usual case, is a few plain statements
    built once (a router pass had spent ~9 ms of ORM work on it); opening, closing and opt-outs
    go through the lifecycle services."""
    action = opt_action(sms.body, sms.opt_out_type)
    if action in (OptAction.OPT_OUT, OptAction.OPT_IN):
        _record_opt(session, sms, action)
    target, reused = _target_interaction(session, channel, sms.from_, resolver)
    session.flush()  # what the lifecycle services added, before the plain statements below
    message_id, at = _store(session, sms, target)
    if channel.after_hours:  # off (the usual case): not one statement more
        auto_reply(
            session,
            channel_id=channel.channel_id,
            sms=sms,
            interaction_id=target.id,
            at=at,
            keyword=action is not None,
        )
    # A snoozed conversation comes back with the text (one UPDATE; a new one is not snoozed).
    woken = reused and wake_on_reply(session, target.id, now=utcnow())
    audit = [
        _audit(
            AuditAction.MESSAGE_RECEIVED,
            message_id,
            target,
            {"sid": sms.sid, "from": sms.from_, "to": sms.to, "interaction": target.number},
        )
    ]
    if action is OptAction.HELP:
        audit.append(
            _audit(
                AuditAction.OPT_OUT_HELP_REQUESTED,
                message_id,
                target,
                {"sender": sms.to, "phone": sms.from_, "body": sms.body[:40]},
            )
        )
    record_rows(session.connection(), audit)
    # Into the interaction as it was, with no opt-out change: its viewers need only the messages.
    only_messages = reused and not woken and action not in (OptAction.OPT_OUT, OptAction.OPT_IN)
    events.after_commit(
        session,
        events.InteractionChanged(target.id, target.live_group, messages_only=only_messages),
    )
    if sms.media:
        wakeups.announce(session)
    return Received(message_id, target.id, target.number)


_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_EARLIER = (
    sa.select(_M.c.id, _M.c.interaction_id, _I.c.number)
    .join(_I, _I.c.id == _M.c.interaction_id)
    .where(_M.c.provider_sid == sa.bindparam("sid"))
)
_INSERT_MESSAGE = sa.insert(_M).returning(_M.c.id)


def _earlier(session: Session, sid: str) -> Received | None:
    found = session.execute(_EARLIER, {"sid": sid}).first()
    return None if found is None else Received(found.id, found.interaction_id, found.number)


def _audit(
    action: AuditAction, message_id: int, target: ActiveInteraction, detail: dict[str, Any]
) -> dict[str, Any]:
    return row(
        actor=PROVIDER,
        action=action,
        entity_type="message",
        entity_id=message_id,
        interaction_id=target.id,
        detail=detail,
    )


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
        why=INBOUND_KEYWORD,
    )


def _target_interaction(
    session: Session, channel: NumberOwner, phone: str, resolver: ProfileResolver | None
) -> tuple[ActiveInteraction, bool]:
    """The active interaction for the phone, or a new one held by the virtual agent, with its
    live group; True when it is the one that was active, and nothing else changed (no
    duplicate closed). Its updated_at moves with the message stored next."""
    channel_id = channel.channel_id
    views = active_views(session, channel_id, phone)
    decision = decide_inbound(views)
    if decision.close_interaction_ids:
        closing = session.exec(
            select(Interaction)
            .where(col(Interaction.id).in_(sorted(decision.close_interaction_ids)))
            .order_by(col(Interaction.id))
        )
        for interaction in closing:
            close_interaction(
                session=session, actor=PROVIDER, interaction=interaction, reason="duplicate"
            )
    if decision.target_interaction_id is not None:
        target = next(v for v in views if v.id == decision.target_interaction_id)
        return target, not decision.close_interaction_ids
    session.flush()
    # Loaded only here: a text into an active interaction never needs it.
    chosen = resolver or resolver_for(channel.resolver, strict=False)
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
    # The channel may give it to an Available agent at once, in this transaction.
    assign_opened(session, channel_id=channel_id, interaction=opened)
    return as_active(opened, member_ids(session, opened.id)), False


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


def _store(session: Session, sms: InboundSms, target: ActiveInteraction) -> tuple[int, datetime]:
    """The message's id, and when it arrived."""
    at = utcnow()
    message_id: int = session.execute(
        _INSERT_MESSAGE,
        {
            "interaction_id": target.id,
            "direction": Direction.INBOUND,
            "body": sms.body,
            "from_number": sms.from_,
            "to_number": sms.to,
            "status": MessageStatus.RECEIVED,
            "provider_sid": sms.sid,
            "segments": 1 if sms.body else 0,
            "created_at": at,
            "updated_at": at,
        },
    ).scalar_one()
    note_inbound_message(session, target.id, body=sms.body, attachments=len(sms.media), at=at)
    keep_due(session, [target.id], at)  # the consumer waits: an SLA clock may run
    for index, (url, content_type) in enumerate(sms.media):
        session.add(
            Attachment(
                message_id=message_id,
                filename=f"media-{index + 1}",
                content_type=content_type or "application/octet-stream",
                size=0,
                provider_media_url=url,
            )
        )
    return message_id, at
