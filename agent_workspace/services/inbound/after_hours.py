"""The after-hours auto-reply (issue 27 item 9): a text that arrives while the channel's
business hours are closed gets the channel's configured answer, once per conversation, queued
in the outbox like any outbound message (the dispatcher sends it after commit) and shown in
the transcript as the workspace's own.

receive_in calls `auto_reply` in the transaction that stores the text, under the phone's lock,
only when the channel has the auto-reply on (the flag comes with the channel it already read):
with it off, a text costs no statement more. The rule is domain/after_hours.py.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from agent_workspace.domain.after_hours import Arrival, Verdict, decide
from agent_workspace.domain.segments import count_segments
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import Channel, Direction, Interaction, Message, MessageStatus
from agent_workspace.models.types import UTCDateTime
from agent_workspace.services.audit import SYSTEM, AuditAction, record_rows, row
from agent_workspace.services.outbox import wakeups
from agent_workspace.services.people.ledger import refusal_of
from agent_workspace.services.sla.calendars import stored_calendar

_C: sa.Table = Channel.__table__  # type: ignore[attr-defined]
_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_FACTS = sa.select(
    _C.c.after_hours_reply,
    _C.c.after_hours_text,
    _C.c.messaging_service_sid,
    _C.c.hours_zone,
    _C.c.hours_week,
    _C.c.hours_holidays,
    sa.select(_I.c.after_hours_replied_at)
    .where(_I.c.id == sa.bindparam("interaction_id"))
    .scalar_subquery()
    .label("replied_at"),
).where(_C.c.id == sa.bindparam("channel_id"))
# The claim: whoever sets it first sends; a second pass (another router, a race) finds it set.
_CLAIM = (
    sa.update(_I)
    .where(_I.c.id == sa.bindparam("interaction_id"), _I.c.after_hours_replied_at.is_(None))
    .values(after_hours_replied_at=sa.bindparam("at_", type_=UTCDateTime))
)
_QUEUE = sa.insert(_M).returning(_M.c.id)


def auto_reply(
    session: Session,
    *,
    channel_id: int,
    sms: InboundText,
    interaction_id: int,
    at: datetime,
    keyword: bool,
) -> int | None:
    """Queues the channel's auto-reply to `sms` when it is due (domain/after_hours.py);
    returns the queued message's id, or None when none is due."""
    facts = session.execute(
        _FACTS, {"channel_id": channel_id, "interaction_id": interaction_id}
    ).one()
    arrival = Arrival(
        enabled=facts.after_hours_reply and bool(facts.after_hours_text.strip()),
        calendar=stored_calendar(facts.hours_zone, facts.hours_week, facts.hours_holidays),
        at=at,
        already_sent=facts.replied_at is not None,
        keyword=keyword,
    )
    if decide(arrival) is not Verdict.SEND:
        return None
    # Asked only now: the ledger is read for a reply that would otherwise go.
    if refusal_of(session, sender=sms.to, phone=sms.from_):
        return None
    claimed = session.execute(_CLAIM, {"interaction_id": interaction_id, "at_": at})
    if claimed.rowcount != 1:  # type: ignore[attr-defined]
        return None
    body = facts.after_hours_text
    message_id: int = session.execute(
        _QUEUE,
        {
            "interaction_id": interaction_id,
            "direction": Direction.OUTBOUND,
            "body": body,
            "from_number": sms.to,
            "to_number": sms.from_,
            "messaging_service_sid": facts.messaging_service_sid,
            "status": MessageStatus.QUEUED,
            "segments": count_segments(body).segments,
            "auto_reply": True,
            "created_at": at,
            "updated_at": at,
        },
    ).scalar_one()
    record_rows(
        session.connection(),
        [
            row(
                actor=SYSTEM,
                action=AuditAction.MESSAGE_AUTO_REPLIED,
                entity_type="message",
                entity_id=message_id,
                interaction_id=interaction_id,
                detail={"to": sms.from_, "from": sms.to, "in_reply_to": sms.sid},
            )
        ],
    )
    wakeups.announce(session)
    return message_id
