"""The consent ledger: opt-outs per (sender number, phone), as Twilio scopes them, with its one
writer (`set_opt_out`: every path, an audit row naming the source) and its one read of whether a
phone is stopped for a sender under the channel's STOP policy (`stops_of`, the rule is
domain/consent.py stop_for: a STOP to one number may stop every number of the channel).

The phone opts out itself (a STOP keyword, Twilio's error 21610), an agent opts it out at its
request (services/conversation/opt_outs.py), or a people import records it (importing.py).
"""

from __future__ import annotations

from collections.abc import Collection

import sqlalchemy as sa
from sqlmodel import Session, col, select

from agent_workspace.domain.consent import Stop, Subscription, stop_for, stop_refusal
from agent_workspace.models import (
    Channel,
    ChannelKind,
    OptOut,
    ProviderNumber,
    User,
    utcnow,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.audit import PROVIDER, AuditAction, record


def stop_of(session: Session, *, sender: str, phone: str) -> Stop | None:
    """What stops texts from `sender` to `phone` now, under the sender's channel's policy
    (domain/consent.py stop_for), or None when they may go."""
    return stops_of(session, [(sender, phone)]).get((sender, phone))


def stops_of(session: Session, pairs: Collection[tuple[str, str]]) -> dict[tuple[str, str], Stop]:
    """(sender, phone) -> what stops that text, for those stopped (the outbox asks for a
    claimed batch at once): the phones' opt-outs from every number, read once, and the
    senders' channels with their policy only when one of the phones opted out of something."""
    return _stops(session, pairs, subscriptions_of(session, [phone for _, phone in pairs]))


def stopped_senders(session: Session, phones: Collection[str]) -> dict[str, tuple[str, ...]]:
    """Phone -> the sending numbers texts to it are stopped from now, for the phones stopped
    from any: the numbers it opted out of, and under a channel's policy every number of that
    channel (the badges say what Send would refuse). Our active numbers first, in their order."""
    found = subscriptions_of(session, phones)
    if not any(sub.opted_out for _, sub in found):
        return {}
    ours = our_numbers(session)
    senders = ours + sorted({s.sender for _, s in found if s.opted_out} - set(ours))
    stopped = sorted({phone for phone, sub in found if sub.opted_out})
    stops = _stops(session, [(s, p) for p in stopped for s in senders], found)
    return {
        phone: tuple(s for s in senders if (s, phone) in stops)
        for phone in stopped
        if any((s, phone) in stops for s in senders)
    }


def _stops(
    session: Session,
    pairs: Collection[tuple[str, str]],
    found: list[tuple[str, Subscription]],
) -> dict[tuple[str, str], Stop]:
    """stops_of over the phones' subscriptions already read."""
    if not any(sub.opted_out for _, sub in found):
        return {}
    subs: dict[str, list[Subscription]] = {}
    for phone, sub in found:
        subs.setdefault(phone, []).append(sub)
    policy = {
        r.e164: (r.channel_id, r.stop_channel_wide)
        for r in session.execute(
            sa.select(_N.c.e164, _N.c.channel_id, _C.c.stop_channel_wide)
            .select_from(_N.join(_C, _C.c.id == _N.c.channel_id))
            .where(_N.c.e164.in_(sorted({sender for sender, _ in pairs})))
        )
    }
    stops = {}
    for sender, phone in pairs:
        channel, wide = policy.get(sender, (None, False))
        stop = stop_for(sender, subs.get(phone, ()), channel=channel, channel_wide=wide)
        if stop is not None:
            stops[(sender, phone)] = stop
    return stops


def subscriptions_of(session: Session, phones: Collection[str]) -> list[tuple[str, Subscription]]:
    """(phone, its consent for one sender) for every sender the phones have a row for."""
    if not phones:
        return []
    rows = session.execute(
        sa.select(
            _O.c.phone,
            _O.c.sender,
            _O.c.opted_out,
            _O.c.updated_at,
            _O.c.keyword,
            _O.c.why,
            _U.c.display_name,
            _N.c.channel_id,
        )
        .select_from(
            _O.outerjoin(_U, _U.c.id == _O.c.changed_by_id).outerjoin(_N, _N.c.e164 == _O.c.sender)
        )
        .where(_O.c.phone.in_(sorted(set(phones))))
    ).all()
    return [
        (
            r.phone,
            Subscription(
                r.sender,
                r.opted_out,
                r.updated_at,
                r.channel_id,
                r.keyword,
                r.why,
                r.display_name or "",
            ),
        )
        for r in rows
    ]


def refusal_of(session: Session, *, sender: str, phone: str) -> str:
    """Why a text from `sender` to `phone` is refused, in words; "" when it may go."""
    stop = stop_of(session, sender=sender, phone=phone)
    return stop_refusal(stop, phone=phone, sender=sender) if stop is not None else ""


_O: sa.Table = OptOut.__table__  # type: ignore[attr-defined]
_U: sa.Table = User.__table__  # type: ignore[attr-defined]
_N: sa.Table = ProviderNumber.__table__  # type: ignore[attr-defined]
_C: sa.Table = Channel.__table__  # type: ignore[attr-defined]


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
    the agent who opted the phone out); a repeated STOP, or a START to a number nothing stops
    (under the channel's policy: a START to any number lifts a channel-wide STOP), changes
    nothing, writes nothing and returns False."""
    row = session.exec(select(OptOut).where(OptOut.sender == sender, OptOut.phone == phone)).first()
    if opted_out and row is not None and row.opted_out:
        return False
    if not opted_out and stop_of(session, sender=sender, phone=phone) is None:
        return False
    row = row or OptOut(sender=sender, phone=phone)
    row.opted_out, row.keyword, row.updated_at = opted_out, keyword[:20], utcnow()
    row.why = why[:40]
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


def our_numbers(session: Session) -> list[str]:
    """Every active sending number of the SMS channels: what an imported opt-out stops."""
    return list(
        session.exec(
            select(ProviderNumber.e164)
            .join(Channel, col(Channel.id) == col(ProviderNumber.channel_id))
            .where(Channel.kind == ChannelKind.SMS, col(ProviderNumber.is_active))
            .order_by(col(ProviderNumber.id))
        ).all()
    )
