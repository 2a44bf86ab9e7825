"""Service levels (issue 27 item 8) on SQLite and PostgreSQL: policies as administrators keep
them, the facts and nearest clock a list row shows, and the alarm that tells of a breach once.
The clock is driven by an injected `now`, never by waiting."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.sla import Target
from agent_workspace.models import AuditEvent, Interaction, Message, Notice, Role, utcnow
from agent_workspace.services import labels
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import sla_policies as policies
from agent_workspace.services.channels.after_hours import AutoReply, update_auto_reply
from agent_workspace.services.channels.business_hours import BusinessHours, update_business_hours
from agent_workspace.services.conversation.notes import add_note
from agent_workspace.services.errors import FieldProblems, NotFound
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.inbox import ListQuery, Scope, inbox
from agent_workspace.services.interactions.labels import add_label
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.sla_alarm import alarm_forever, notify_breaches
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.services.sla.clocks import facts_of, keep_due
from tests.support.business_hours import closed_now
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.races import all_at_once
from tests.support.waiting import wait_until

DANA = "+14155550123"
EVE = "+14155550166"
_texts = iter(range(1, 10_000))


def _text(phone: str, body: str) -> None:
    sid = f"SM{next(_texts):032x}"
    receive_sms(sms=InboundSms(sid=sid, from_=phone, to=SUPPORT_NUMBER, body=body))


def _policy(admin: Actor, label_id: int | None = None, **targets: str) -> policies.PolicyView:
    return policies.save_policy(
        actor=admin,
        policy_id=None,
        label_id=label_id,
        first_response=targets.get("first", ""),
        next_response=targets.get("next", ""),
        resolution=targets.get("resolution", ""),
    )


def _rows(actor: Actor) -> dict[int, object]:
    return {r.id: r for r in inbox(actor=actor, query=ListQuery(scope=Scope.MINE)).rows}


def _row(engine: Engine, iid: int) -> Interaction:
    with Session(engine) as session:
        found = session.get(Interaction, iid)
        assert found is not None
        session.expunge(found)
        return found


def test_the_administrator_sets_policies_in_order_with_targets_as_typed(engine: Engine) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    make_channel()
    vip = labels.create_label(actor=admin, name="VIP", colour="red")
    billing = labels.create_label(actor=admin, name="Billing", colour="blue")
    channel_wide = _policy(admin, first="1h", next="90", resolution="1d")
    for_vip = _policy(admin, vip.id, first="15m")
    _policy(admin, billing.id, first="30 min")
    assert channel_wide.next_response == "1h 30m" and channel_wide.resolution == "1d"
    listed = policies.list_policies(actor=admin)
    assert [p.label for p in listed] == ["", "VIP", "Billing"]

    moved = policies.move_policy(actor=admin, policy_id=for_vip.id, up=False)
    assert [p.label for p in moved] == ["", "Billing", "VIP"]
    changed = policies.save_policy(
        actor=admin,
        policy_id=for_vip.id,
        label_id=vip.id,
        first_response="10m",
        next_response="",
        resolution="",
    )
    assert changed.first_response == "10m"
    assert policies.delete_policy(actor=admin, policy_id=for_vip.id) == "VIP"
    assert [p.label for p in policies.list_policies(actor=admin)] == ["", "Billing"]
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action)
            .where(col(AuditEvent.action).startswith("sla_policy."))
            .order_by(col(AuditEvent.id))
        ).all()
    assert actions == ["sla_policy.saved"] * 3 + ["sla_policy.moved", "sla_policy.saved"] + [
        "sla_policy.deleted"
    ]


def test_bad_targets_and_a_second_policy_for_a_label_are_refused_field_by_field(
    engine: Engine,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    make_channel()
    vip = labels.create_label(actor=admin, name="VIP", colour="red")
    with pytest.raises(FieldProblems) as bad:
        _policy(admin, first="soon", next="0", resolution="400d")
    assert bad.value.problems == {
        "first_response": "Write the target as minutes or with units, e.g. "
        "15m, 4h, 1d, 1h 30m or 90 (minutes).",
        "next_response": "A target is at least 1 minute.",
        "resolution": "A target is at most 365 days.",
    }
    with pytest.raises(FieldProblems, match="at least one target"):
        _policy(admin)
    _policy(admin, vip.id, first="15m")
    with pytest.raises(FieldProblems) as twice:
        _policy(admin, vip.id, first="5m")
    assert twice.value.problems == {
        "label": "The label 'VIP' has a service level already; edit that one."
    }
    _policy(admin, first="1h")
    with pytest.raises(FieldProblems, match="every conversation already"):
        _policy(admin, first="2h")
    with pytest.raises(FieldProblems, match="label does not exist"):
        _policy(admin, 9_999, first="2h")
    with pytest.raises(NotFound):
        policies.delete_policy(actor=admin, policy_id=9_999)
    assert len(policies.list_policies(actor=admin)) == 2


def test_facts_count_the_consumers_texts_and_the_agents_replies_only(engine: Engine) -> None:
    alice = make_user("alice")
    make_channel()
    make_consumer("Dana", DANA)
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    _text(DANA, "Hi, my order is late")
    _text(DANA, "Order 1234")
    add_note(actor=alice, interaction_id=dana, body="Checking the warehouse")
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "On its way"))
    _text(DANA, "Thanks")
    with Session(engine) as session:
        interaction = session.get(Interaction, dana)
        assert interaction is not None
        facts = facts_of(session, [interaction])[dana]
    assert len(facts.consumer_messages) == 3
    assert len(facts.agent_replies) == 2  # the note is no reply
    assert facts.resolved_at is None
    close_by_agent(actor=alice, interaction_id=dana)
    with Session(engine) as session:
        closed = session.get(Interaction, dana)
        assert closed is not None
        assert facts_of(session, [closed])[dana].resolved_at == closed.closed_at


def test_a_row_shows_the_nearest_clock_of_the_policy_its_label_chooses(engine: Engine) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    make_channel()
    make_consumer("Dana", DANA)
    make_consumer("Eve", EVE)
    vip = labels.create_label(actor=admin, name="VIP", colour="red")
    _policy(admin, first="1h", resolution="1d")
    _policy(admin, vip.id, first="5m")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    eve = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, EVE, "Hello")).interaction_id
    add_label(actor=alice, interaction_id=dana, label_id=vip.id)
    rows = _rows(alice)
    # No consumer text yet: only Eve's resolution clock runs (VIP measures first response only).
    assert rows[dana].sla is None  # type: ignore[attr-defined]
    assert rows[eve].sla.clock.target is Target.RESOLUTION  # type: ignore[attr-defined]

    _text(DANA, "Where is my parcel?")
    _text(EVE, "Where is my parcel?")
    rows = _rows(alice)
    dana_plan, eve_plan = rows[dana].sla, rows[eve].sla  # type: ignore[attr-defined]
    assert dana_plan.clock.target is Target.FIRST_RESPONSE
    assert dana_plan.clock.due_at - dana_plan.clock.set_at == timedelta(minutes=5)
    assert eve_plan.clock.due_at - eve_plan.clock.set_at == timedelta(hours=1)
    words, status = dana_plan.shown(dana_plan.clock.set_at + timedelta(minutes=1))
    assert (words, status) == ("First response 4m left", "ok")
    words, status = dana_plan.shown(dana_plan.clock.set_at + timedelta(minutes=9))
    assert (words, status) == ("First response 4m overdue", "red")

    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Today"))
    assert _rows(alice)[dana].sla is None  # type: ignore[attr-defined]


def test_a_page_of_rows_reads_its_clocks_in_the_same_statements_however_long(
    engine: Engine,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    make_channel()
    _policy(admin, first="1h")
    make_consumer("Dana", DANA)
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    _text(DANA, "One")
    few = _counting(engine, alice)
    for n in range(4):
        phone = f"+1415555020{n}"
        make_consumer(f"P{n}", phone)
        send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, phone, "Hello"))
        _text(phone, "Hi")
    assert len(_rows(alice)) == 5
    assert _counting(engine, alice) == few


def _counting(engine: Engine, actor: Actor) -> int:
    statements: list[str] = []

    def count(*args: object, **_: object) -> None:
        statements.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        _rows(actor)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_two_alarm_passes_at_once_tell_the_assignee_and_supervisors_once(engine: Engine) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    make_channel()
    make_consumer("Dana", DANA)
    _policy(admin, first="5m", next="10m")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    _text(DANA, "Help")
    assert notify_breaches(now=utcnow()) == 0  # not due yet
    later = utcnow() + timedelta(minutes=6)
    counts = all_at_once([lambda: notify_breaches(now=later)] * 2)
    assert sorted(counts) == [0, 1]
    assert notify_breaches(now=later + timedelta(minutes=1)) == 0  # told already
    with Session(engine) as session:
        told = session.exec(select(Notice.agent_id, Notice.text, Notice.interaction_id)).all()
        audited = session.exec(
            select(AuditEvent).where(AuditEvent.action == "interaction.sla_breached")
        ).all()
    number = _row(engine, dana).number
    text = f"{number} is past its first response target."
    assert sorted(told) == sorted([(alice.user_id, text, dana), (sam.user_id, text, dana)])
    assert len(audited) == 1 and audited[0].interaction_id == dana

    # Answered late, then a new question left waiting: its breach is news again.
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Sorry"))
    _text(DANA, "And?")
    assert notify_breaches(now=utcnow() + timedelta(minutes=11)) == 1
    with Session(engine) as session:
        again = session.exec(select(Notice.text).where(Notice.agent_id == alice.user_id)).all()
    assert again[-1] == f"{number} is past its next response target."


def test_a_text_while_the_desk_is_closed_starts_its_clock_at_the_next_opening(
    engine: Engine,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    make_channel()
    make_consumer("Dana", DANA)
    _policy(admin, first="30m")
    # Open on one weekday only, two days from today (UTC): today the desk is closed.
    today = utcnow()
    opening_day = (today + timedelta(days=2)).date()
    day_name = opening_day.strftime("%a")
    update_business_hours(
        actor=admin, hours=BusinessHours(zone="UTC", hours=f"{day_name} 09:00-17:00")
    )
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    _text(DANA, "Anyone there?")
    plan = _rows(alice)[dana].sla  # type: ignore[attr-defined]
    opens = datetime.combine(opening_day, time(9), tzinfo=UTC)
    assert plan.clock.started_at == opens
    assert plan.clock.due_at == opens + timedelta(minutes=30)
    # Overnight nothing counts: 30 open minutes left until the desk opens.
    assert plan.shown(today + timedelta(hours=1)) == ("First response 30m left", "ok")
    assert plan.shown(opens + timedelta(minutes=25)) == (
        "First response 5m left, due soon",
        "amber",
    )
    assert notify_breaches(now=opens + timedelta(minutes=29)) == 0
    assert notify_breaches(now=opens + timedelta(minutes=31)) == 1


def test_the_after_hours_auto_reply_is_no_answer_the_clock_waits_for_an_agent(
    engine: Engine,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    make_channel()
    make_consumer("Dana", DANA)
    _policy(admin, first="30m")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    update_business_hours(actor=admin, hours=closed_now())
    update_auto_reply(actor=admin, setting=AutoReply(enabled=True, text="We are closed."))
    _text(DANA, "Anyone there?")
    with Session(engine) as session:
        auto = session.exec(select(Message).where(col(Message.auto_reply))).all()
    assert len(auto) == 1 and auto[0].interaction_id == dana  # the auto-reply went
    plan = _rows(alice)[dana].sla  # type: ignore[attr-defined]
    assert plan is not None and plan.clock.target is Target.FIRST_RESPONSE
    assert plan.clock.stopped_at is None


def test_the_alarm_task_tells_a_breach_on_its_own(engine: Engine) -> None:
    """The lifespan task's loop (web/runtime.py run_sla_alarm) runs the pass by itself."""
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    make_channel()
    make_consumer("Dana", DANA)
    _policy(admin, first="5m")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    _text(DANA, "Help")
    with engine.begin() as conn:  # Hello went two hours ago, Help came an hour ago: overdue
        for author, ago in (
            (col(Message.author_id).is_not(None), 2),
            (col(Message.author_id).is_(None), 1),
        ):
            conn.execute(
                sa.update(Message)
                .where(col(Message.interaction_id) == dana, author)
                .values(created_at=utcnow() - timedelta(hours=ago))
            )
    with transaction(engine) as session:  # history rewritten behind the services' back
        keep_due(session, [dana])
    loop = asyncio.new_event_loop()
    alarm = loop.create_task(alarm_forever(every=0.05, engine=engine))

    def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):  # how the test stops it
            loop.run_until_complete(alarm)

    running = threading.Thread(target=run, daemon=True)
    running.start()
    try:
        wait_until(lambda: _row(engine, dana).sla_breach_key is not None, what="the alarm")
    finally:
        loop.call_soon_threadsafe(alarm.cancel)
        running.join(timeout=10)
        loop.close()
    with Session(engine) as session:
        told = session.exec(select(Notice.text).where(Notice.agent_id == alice.user_id)).all()
    assert told == [f"{_row(engine, dana).number} is past its first response target."]
