"""A week of a small desk, built through the real services and then moved to the times below,
so each report figure can be worked out by hand (tests/integration/test_reports.py does).

Times are UTC; the desk is in New York (UTC-5 in December), the period 1-7 December 2026.

- A, Dana, alice, from SUPPORT, label VIP: out 12-01 14:00 (opened), in 15:00, out 15:10
  (first response 600 s), closed 12-02 15:00 (resolution 90,000 s).
- B, Eve, bob, from BILLING: out 12-02 04:30 (opened; 23:30 on 1 December in New York), 2
  segments, undelivered 30007; in 05:00; out 05:30 (first response 1,800 s); in STOP 06:00.
- C, Finn, alice, from SUPPORT, label VIP: out 11-20 11:00 (opened), in 12:00, out 12-03 13:00
  (first response 1,126,800 s, counted on 3 December), closed 12-03 14:00 (1,134,000 s).
- D, Gus, the virtual agent, to SUPPORT: in 12-04 20:00 (opened), no answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.models import AuditEvent, Interaction, Message, Role
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.labels import add_label
from agent_workspace.services.interactions.lifecycle import (
    close_by_agent,
    rebuild_conversation_facts,
)
from agent_workspace.services.labels import create_label
from agent_workspace.services.outbox import claims, statuses
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

ZONE = "America/New_York"
DANA, EVE, FINN, GUS = "+14155550123", "+14155550166", "+14155550177", "+14155550188"
LONG = "Your replacement order is packed and leaves our warehouse today. " * 3  # 2 segments


def at(text: str) -> datetime:
    """'12-01 14:00' in 2026 (or '11-20 ...'), UTC."""
    return datetime.fromisoformat(f"2026-{text}:00").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Desk:
    a: int
    b: int
    c: int
    d: int


_M: sa.Table = Message.__table__  # type: ignore[attr-defined]
_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_A: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]
_sids = iter(f"SM{n:032x}" for n in range(1, 1000))


def _went(status: str = "delivered", code: int | None = None) -> None:
    """The queued message goes out and its carrier reports `status`."""
    (job,) = claims.claim_due()
    sid = next(_sids)
    statuses.mark_accepted(
        message_id=job.message_id, lease_token=job.lease_token, sid=sid, status="queued"
    )
    statuses.apply_delivery_status(sid=sid, status=status, error_code=code)


def _text(sender: str, to: str, body: str) -> int:
    return receive_sms(
        sms=InboundSms(sid=next(_sids), from_=sender, to=to, body=body)
    ).interaction_id


def build(engine: Engine) -> Desk:
    """The desk above; the supervisor `sue` and the admin `ada` may read its reports."""
    make_channel()
    for first, phone in (("Dana", DANA), ("Eve", EVE), ("Finn", FINN)):
        make_consumer(first, phone)
    alice, bob = make_user("alice"), make_user("bob")
    make_user("sue", roles=(Role.AGENT, Role.SUPERVISOR))
    ada = make_user("ada", roles=(Role.ADMIN,))

    def send(actor: object, sender: str, to: str, body: str, **went: object) -> int:
        iid = send_sms(actor=actor, request=SendRequest(sender, to, body)).interaction_id  # type: ignore[arg-type]
        _went(**went)  # type: ignore[arg-type]
        return iid

    a = send(alice, SUPPORT_NUMBER, DANA, "Hello Dana")
    _text(DANA, SUPPORT_NUMBER, "Hi, where is my order?")
    send(alice, SUPPORT_NUMBER, DANA, "It ships today")
    close_by_agent(actor=alice, interaction_id=a)
    b = send(bob, BILLING_NUMBER, EVE, LONG, status="undelivered", code=30007)
    _text(EVE, BILLING_NUMBER, "I did not get it")
    send(bob, BILLING_NUMBER, EVE, "Sent again")
    _text(EVE, BILLING_NUMBER, "STOP")
    c = send(alice, SUPPORT_NUMBER, FINN, "Your invoice")
    _text(FINN, SUPPORT_NUMBER, "Wrong amount")
    send(alice, SUPPORT_NUMBER, FINN, "Corrected")
    close_by_agent(actor=alice, interaction_id=c)
    d = _text(GUS, SUPPORT_NUMBER, "Are you open Sunday?")
    vip = create_label(actor=ada, name="VIP", colour="amber")
    for iid in (a, c):
        add_label(actor=alice, interaction_id=iid, label_id=vip.id)
    _move(engine, a, b, c, d)
    return Desk(a, b, c, d)


def _move(engine: Engine, a: int, b: int, c: int, d: int) -> None:
    """The services wrote now; the fixture's story happened at the times above."""
    times = {
        a: ["12-01 14:00", "12-01 15:00", "12-01 15:10"],
        b: ["12-02 04:30", "12-02 05:00", "12-02 05:30", "12-02 06:00"],
        c: ["11-20 11:00", "11-20 12:00", "12-03 13:00"],
        d: ["12-04 20:00"],
    }
    closed = {a: at("12-02 15:00"), c: at("12-03 14:00")}
    with engine.begin() as conn:
        for iid, moments in times.items():
            ids = conn.execute(
                sa.select(_M.c.id).where(_M.c.interaction_id == iid).order_by(_M.c.id)
            ).scalars()
            for message_id, moment in zip(ids, moments, strict=True):
                mine = _M.c.id == message_id
                conn.execute(sa.update(_M).where(mine).values(created_at=at(moment)))
                went = sa.update(_M).where(mine, _M.c.sent_at.is_not(None))
                conn.execute(went.values(sent_at=at(moment)))
            conn.execute(
                sa.update(_I)
                .where(_I.c.id == iid)
                .values(
                    opened_at=at(moments[0]),
                    last_message_at=at(moments[-1]),
                    closed_at=closed.get(iid),
                    updated_at=closed.get(iid, at(moments[-1])),
                )
            )
        conn.execute(
            sa.update(_A).where(_A.c.action == "opt_out.changed").values(at=at("12-02 06:00"))
        )
        rebuild_conversation_facts(conn, times)  # what the services keep, at the moved times
