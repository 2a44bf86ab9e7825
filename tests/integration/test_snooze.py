"""Snooze (issue 27 item 4): an agent puts a conversation aside until a time or the consumer's
reply; it leaves My Interactions and comes back at the top with a notice, on SQLite and
PostgreSQL. Wake-on-reply over a real webhook: tests/integration/pipeline/test_snooze_reply.py."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from agent_workspace.models import AuditEvent, Interaction, Notice
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput, NotFound
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import notices
from agent_workspace.services.interactions.inbox import (
    ListQuery,
    Scope,
    inbox,
    my_row_changes,
)
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.snooze import alarm_forever, snooze, wake_due, wake_now
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.races import all_at_once
from tests.support.waiting import wait_until

DANA = "+14155550123"
EVE = "+14155550166"
NOW = datetime(2026, 12, 7, 15, 0, tzinfo=UTC)  # 10:00 in New York


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    stop = events.subscribe(seen.append)
    yield seen
    stop()


def _conversations(alice: Actor) -> tuple[int, int]:
    make_channel()
    make_consumer("Dana", DANA)
    make_consumer("Eve", EVE)
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    eve = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, EVE, "Hi")).interaction_id
    return dana, eve


def _mine(actor: Actor) -> list[int]:
    return [r.id for r in inbox(actor=actor, query=ListQuery(scope=Scope.MINE)).rows]


def _row(engine: Engine, iid: int) -> Interaction:
    with Session(engine) as session:
        row = session.get(Interaction, iid)
        assert row is not None
        session.expunge(row)
        return row


def _audit(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        found = select(AuditEvent).where(AuditEvent.action == action).order_by(col(AuditEvent.id))
        return list(session.exec(found).all())


def _everything(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            t.name: sorted((tuple(r) for r in connection.execute(sa.select(t))), key=repr)
            for t in SQLModel.metadata.sorted_tables
        }


def _texts(phone: str, body: str, n: int) -> None:
    receive_sms(sms=InboundSms(sid=f"SM{n:032x}", from_=phone, to=SUPPORT_NUMBER, body=body))


def test_snoozed_until_a_time_it_leaves_my_list_and_the_alarm_brings_it_back_on_top(
    engine: Engine, published: list[events.Event]
) -> None:
    alice = make_user("alice")
    dana, eve = _conversations(alice)
    assert _mine(alice) == [eve, dana]
    published.clear()

    done = snooze(
        actor=alice, interaction_id=eve, choice="tomorrow 09:00", zone="America/New_York", now=NOW
    )

    wake_at = datetime(2026, 12, 8, 14, 0, tzinfo=UTC)
    assert (done.until, done.words) == (wake_at, "Until 2026-12-08 09:00 EST or their reply")
    row = _row(engine, eve)
    assert (row.snoozed_at, row.snoozed_until, row.snoozed_by_id) == (NOW, wake_at, alice.user_id)
    assert _mine(alice) == [dana]
    [audit] = _audit(engine, "interaction.snoozed")
    assert (audit.actor_user_id, audit.interaction_id) == (alice.user_id, eve)
    assert audit.detail["until"] == wake_at.isoformat()
    # Lists hear it after commit, and Alice's row for it is gone.
    [changed] = [e for e in published if isinstance(e, events.InteractionChanged)]
    assert changed.interaction_id == eve and alice.user_id in changed.agent_ids
    assert eve in my_row_changes(alice.user_id, frozenset({eve})).gone

    assert wake_due(now=wake_at - timedelta(seconds=1)) == 0  # not yet
    assert _mine(alice) == [dana]
    published.clear()
    assert wake_due(now=wake_at) == 1

    assert _mine(alice) == [eve, dana]  # back, and at the top
    row = _row(engine, eve)
    assert (row.snoozed_at, row.snoozed_until, row.snoozed_by_id) == (None, None, None)
    assert row.updated_at == wake_at
    [told] = notices.unread_notices(actor=alice)
    assert told.text == f"Snooze ended: {row.number} is back in My Interactions."
    assert told.interaction_id == eve
    [woken] = _audit(engine, "interaction.woken")
    assert (woken.actor_user_id, woken.detail["why"]) == (None, "time")
    assert events.NoticeCreated(alice.user_id) in published
    [again] = [e for e in published if isinstance(e, events.InteractionChanged)]
    assert not again.messages_only
    assert [r.id for r in my_row_changes(alice.user_id, frozenset({eve})).rows] == [eve]
    assert wake_due(now=wake_at + timedelta(hours=1)) == 0  # once


def test_the_consumers_reply_wakes_it_with_their_name(engine: Engine) -> None:
    alice = make_user("alice")
    dana, eve = _conversations(alice)
    snooze(actor=alice, interaction_id=dana, choice="reply", zone="Europe/Madrid")
    row = _row(engine, dana)
    assert (row.snoozed_at is not None, row.snoozed_until) == (True, None)
    assert _mine(alice) == [eve]
    assert wake_due(now=datetime.now(UTC) + timedelta(days=400)) == 0  # no alarm: reply only

    _texts(DANA, "Any news?", 1)

    assert _mine(alice) == [dana, eve]
    [told] = notices.unread_notices(actor=alice)
    assert told.text == f"Dana Tester replied: {row.number} is back in My Interactions."
    [woken] = _audit(engine, "interaction.woken")
    assert woken.detail == {"number": row.number, "why": "reply"}
    _texts(DANA, "Hello?", 2)  # not snoozed: nothing to wake, no second notice
    assert len(notices.unread_notices(actor=alice)) == 1


def test_wake_now_by_the_agent_and_close_ends_a_snooze(engine: Engine) -> None:
    alice = make_user("alice")
    dana, eve = _conversations(alice)
    snooze(actor=alice, interaction_id=dana, choice="2h", zone="UTC")

    assert wake_now(actor=alice, interaction_id=dana).startswith("IMS")

    assert _mine(alice) == [dana, eve]
    assert notices.unread_notices(actor=alice) == []  # she did it herself
    [woken] = _audit(engine, "interaction.woken")
    assert woken.detail["why"] == "agent"
    with pytest.raises(InvalidInput, match="is not snoozed"):
        wake_now(actor=alice, interaction_id=dana)

    snooze(actor=alice, interaction_id=eve, choice="30m", zone="UTC")
    close_by_agent(actor=alice, interaction_id=eve)
    row = _row(engine, eve)
    assert (row.snoozed_at, row.snoozed_until) == (None, None)
    assert wake_due(now=datetime.now(UTC) + timedelta(hours=1)) == 0


def test_an_agent_sending_into_it_wakes_it_but_a_scheduled_text_does_not(
    engine: Engine,
) -> None:
    alice = make_user("alice")
    dana, eve = _conversations(alice)
    snooze(actor=alice, interaction_id=dana, choice="reply", zone="UTC")
    later = datetime.now(UTC) + timedelta(days=1)
    scheduled = SendRequest(SUPPORT_NUMBER, DANA, "A follow-up tomorrow", send_at=later)

    send_sms(actor=alice, request=scheduled)  # "text them tomorrow, and wait for the reply"
    assert _mine(alice) == [eve]

    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "One more thing"))

    assert _mine(alice) == [dana, eve]
    assert _row(engine, dana).snoozed_at is None
    [woken] = _audit(engine, "interaction.woken")
    assert woken.detail["why"] == "agent"


def test_bad_words_and_no_standing_are_refused_and_write_nothing(engine: Engine) -> None:
    alice, bob = make_user("alice"), make_user("bob")
    dana, _ = _conversations(alice)
    before = _everything(engine)

    for choice, words in [
        ("", "Choose when it comes back"),
        ("next blue moon", "is not a snooze time"),
        ("0m", "at least a minute"),
        ("2025-01-01 09:00", "has passed"),
        ("400d", "at most a year ahead"),
    ]:
        with pytest.raises(FieldProblems, match=words) as refused:
            snooze(actor=alice, interaction_id=dana, choice=choice, zone="UTC")
        assert list(refused.value.problems) == ["until"]
    with pytest.raises(AccessDenied, match="Only the assigned agent, the live group"):
        snooze(actor=bob, interaction_id=dana, choice="1h", zone="UTC")
    with pytest.raises(AccessDenied, match="Please sign in"):
        snooze(actor=None, interaction_id=dana, choice="1h", zone="UTC")
    with pytest.raises(NotFound):
        snooze(actor=alice, interaction_id=10**9, choice="1h", zone="UTC")
    assert _everything(engine) == before

    snooze(actor=alice, interaction_id=dana, choice="1h", zone="UTC")
    with pytest.raises(AccessDenied, match="Only the assigned agent, the live group"):
        wake_now(actor=bob, interaction_id=dana)
    close_by_agent(actor=alice, interaction_id=dana)
    with pytest.raises(InvalidInput, match="is closed; there is nothing to snooze"):
        snooze(actor=alice, interaction_id=dana, choice="1h", zone="UTC")


def test_two_alarm_passes_at_once_wake_each_conversation_exactly_once(engine: Engine) -> None:
    alice = make_user("alice")
    dana, eve = _conversations(alice)
    for iid in (dana, eve):
        snooze(actor=alice, interaction_id=iid, choice="30m", zone="UTC", now=NOW)
    due = NOW + timedelta(minutes=30)
    counts = all_at_once([lambda: wake_due(now=due)] * 2)
    assert sum(counts) == 2
    with Session(engine) as session:
        told = session.exec(select(Notice.interaction_id).where(Notice.agent_id == alice.user_id))
        assert sorted(i for i in told.all() if i is not None) == sorted([dana, eve])
    assert len(_audit(engine, "interaction.woken")) == 2
    assert _mine(alice) == [eve, dana] or _mine(alice) == [dana, eve]


def test_the_alarm_task_wakes_a_due_snooze_on_its_own(engine: Engine) -> None:
    """The lifespan task's loop (web/runtime.py run_snooze_alarm) runs the pass by itself."""
    alice = make_user("alice")
    dana, _ = _conversations(alice)
    an_hour_ago = datetime.now(UTC) - timedelta(hours=1)
    snooze(actor=alice, interaction_id=dana, choice="1m", zone="UTC", now=an_hour_ago)
    loop = asyncio.new_event_loop()
    alarm = loop.create_task(alarm_forever(every=0.05, engine=engine))

    def run() -> None:
        with contextlib.suppress(asyncio.CancelledError):  # how the test stops it
            loop.run_until_complete(alarm)

    running = threading.Thread(target=run, daemon=True)
    running.start()
    try:
        wait_until(lambda: _row(engine, dana).snoozed_at is None, what="the alarm to wake it")
    finally:
        loop.call_soon_threadsafe(alarm.cancel)
        running.join(timeout=10)
        loop.close()
    assert [n.text for n in notices.unread_notices(actor=alice)] == [
        "Snooze ended: IMS0001001 is back in My Interactions."
    ]
