"""What an interaction keeps of its SLA clocks (`sla_due_at`, `sla_amber_at`, `sla_alarm_at`,
services/sla/clocks.py -> keep_due): kept with every change its clocks depend on, told by the
alarm once per turn (amber, then the breach), and read by the board in one indexed read
whatever the floor's size. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.domain.sla import Breaching, amber_from
from agent_workspace.models import Interaction, Message, Role, utcnow
from agent_workspace.services import events, labels
from agent_workspace.services.channels import sla_policies as policies
from agent_workspace.services.channels.business_hours import update_business_hours
from agent_workspace.services.interactions.labels import add_label, remove_label
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.overview import load_overview
from agent_workspace.services.interactions.sla_alarm import notify_breaches
from agent_workspace.services.outbox.statuses import apply_delivery_status
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.services.sla.clocks import floor_statuses, plans_of
from tests.integration.test_board_overview import _asked_ago
from tests.integration.test_sla import DANA, _policy, _row, _text
from tests.support.business_hours import closed_now
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

SUPERVISOR_ROLES = (Role.AGENT, Role.SUPERVISOR)


def _kept(engine: Engine, iid: int) -> tuple[datetime | None, datetime | None]:
    found = _row(engine, iid)
    return found.sla_due_at, found.sla_amber_at


def _worked_out(engine: Engine, iid: int) -> tuple[datetime | None, datetime | None]:
    """The clocks worked out from the messages now, as every list row does."""
    with Session(engine) as session:
        interaction = session.get(Interaction, iid)
        assert interaction is not None
        plan = plans_of(session, [interaction], utcnow()).get(iid)
    if plan is None:
        return None, None
    return plan.clock.due_at, amber_from(plan.policy, plan.clock)


def _changes(engine: Engine, iid: int) -> Iterator[None]:
    """Asserts after each step that what is kept is what the clocks say."""
    while True:
        yield
        assert _kept(engine, iid) == _worked_out(engine, iid)


def test_what_is_kept_follows_every_change_the_clocks_depend_on(engine: Engine) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    make_channel()
    make_consumer("Dana", DANA)
    hello = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    dana = hello.interaction_id
    check = _changes(engine, dana)
    next(check)
    _policy(admin, first="1h", next="30m")  # a policy: the clocks of open ones are kept
    assert _kept(engine, dana) == (None, None)  # nobody waits yet
    _text(DANA, "Where is my parcel?")
    due_at, amber_at = _kept(engine, dana)
    assert due_at is not None and amber_at is not None
    assert timedelta(minutes=59) < due_at - utcnow() <= timedelta(minutes=60)  # first response
    assert due_at - amber_at == timedelta(minutes=15)  # the last quarter
    next(check)

    reply = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Today"))
    assert _kept(engine, dana) == (None, None)  # answered
    with engine.begin() as conn:  # the dispatcher handed it over; it comes back failed
        conn.execute(
            sa.update(Message).where(col(Message.id) == reply.message_id).values(provider_sid="SMx")
        )
    apply_delivery_status(sid="SMx", status="failed", error_code=21211)  # no retry
    assert _kept(engine, dana) == (due_at, amber_at)  # no reply reached Dana: she still waits

    vip = labels.create_label(actor=admin, name="VIP", colour="red")
    assert vip.id is not None
    for_vip = _policy(admin, vip.id, first="15m")
    add_label(actor=alice, interaction_id=dana, label_id=vip.id)
    next(check)
    assert _kept(engine, dana)[0] == due_at - timedelta(minutes=45)  # VIP's 15m
    policies.save_policy(
        actor=admin,
        policy_id=for_vip.id,
        label_id=vip.id,
        first_response="20m",
        next_response="",
        resolution="",
    )
    next(check)
    assert _kept(engine, dana)[0] == due_at - timedelta(minutes=40)
    remove_label(actor=alice, interaction_id=dana, label_id=vip.id)
    next(check)
    assert _kept(engine, dana)[0] == due_at
    add_label(actor=alice, interaction_id=dana, label_id=vip.id)
    assert _kept(engine, dana)[0] == due_at - timedelta(minutes=40)
    policies.delete_policy(actor=admin, policy_id=for_vip.id)
    next(check)
    assert _kept(engine, dana)[0] == due_at

    update_business_hours(actor=admin, hours=closed_now())  # counts from the next opening
    next(check)
    assert _kept(engine, dana)[0] != due_at
    close_by_agent(actor=alice, interaction_id=dana)
    assert _row(engine, dana).sla_alarm_at is None
    assert _kept(engine, dana) == (None, None)


@contextmanager
def _heard() -> Iterator[list[int]]:
    """The interactions the alarm tells the live pages of."""
    heard: list[events.Event] = []
    stop = events.subscribe(heard.append)
    found: list[int] = []
    try:
        yield found
    finally:
        stop()
        found.extend(e.interaction_id for e in heard if isinstance(e, events.InteractionChanged))


def test_the_alarm_tells_the_live_pages_once_at_the_amber_turn_and_once_at_the_breach(
    engine: Engine,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    make_channel()
    _policy(admin, first="1h")
    _text(DANA, "Hello?")
    opened = utcnow()
    passes = [
        (44, 0, Breaching()),  # 16 of 60 minutes left: on time
        (46, 0, Breaching(due_soon=1)),  # the last quarter: due soon, told
        (47, 0, Breaching(due_soon=1)),  # told already
        (61, 1, Breaching(overdue=1)),  # past due: the breach, told and notified
        (62, 0, Breaching(overdue=1)),
    ]
    told = []
    for minutes, breaches, figure in passes:
        at = opened + timedelta(minutes=minutes)
        with _heard() as heard:
            assert notify_breaches(now=at) == breaches
            assert notify_breaches(now=at) == 0  # a second pass (another worker) tells nobody
        told.append(len(heard))
        assert load_overview(now=at).breaching_soon == figure
    assert told == [0, 1, 0, 1, 0]
    assert sam.user_id is not None


def floor_ids(engine: Engine) -> list[int]:
    with Session(engine) as session:
        return [i for i in session.exec(select(Interaction.id)).all() if i is not None]


def test_the_board_reads_only_the_conversations_breaching_soon_whatever_the_floor(
    engine: Engine,
) -> None:
    make_channel()
    admin = make_user("ada", roles=(Role.ADMIN,))
    _policy(admin, first="1h")
    _text(DANA, "Hello?")
    [dana] = floor_ids(engine)
    _asked_ago(engine, dana, 50)  # Dana's clock: due soon
    load_overview()  # warm caches (dialect, channel numbers)
    later = utcnow()

    def read() -> tuple[list[str], dict[int, object]]:
        seen: list[str] = []

        def note(*args: object) -> None:
            seen.append(" ".join(str(args[2]).split()))

        sa.event.listen(engine, "before_cursor_execute", note)
        try:
            assert load_overview().breaching_soon == Breaching(due_soon=1)
        finally:
            sa.event.remove(engine, "before_cursor_execute", note)
        with Session(engine) as session:
            return seen, dict(floor_statuses(session, later) or {})

    few, few_rows = read()
    for n in range(60):  # a floor of on-time conversations
        _text(f"+1415555{n + 2000:04d}", "Hi")
    many, many_rows = read()
    assert len(many) == len(few)
    assert many_rows == few_rows and len(many_rows) == 1  # only Dana's row is read
    # Neither their messages nor their labels nor their policies one by one: the kept instants.
    for table in ("FROM message", "interaction_label", "JOIN label"):
        assert not [s for s in many if table in s], table


def test_the_alarm_keeps_the_instants_of_a_conversation_the_upgrade_marked(
    engine: Engine,
) -> None:
    admin = make_user("ada", roles=(Role.ADMIN,))
    make_channel()
    _policy(admin, first="1h")
    _text(DANA, "Hello?")
    [dana] = floor_ids(engine)
    kept = _kept(engine, dana)
    with engine.begin() as conn:  # as the migration leaves it (b4e8d2f6a1c9)
        conn.execute(
            sa.update(Interaction)
            .where(col(Interaction.id) == dana)
            .values(sla_due_at=None, sla_amber_at=None, sla_alarm_at=Interaction.opened_at)
        )
    assert notify_breaches() == 0  # due in an hour: nothing to notify
    assert _kept(engine, dana) == kept == _worked_out(engine, dana)
    assert _row(engine, dana).sla_alarm_at == kept[1]  # next: the amber turn
