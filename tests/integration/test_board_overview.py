"""The supervisor board's overview figures and its paged, filtered table (issue 27 item 11),
through the services on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import col

from agent_workspace.db.engine import transaction
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.domain.availability import Presence
from agent_workspace.domain.sla import Breaching
from agent_workspace.models import InteractionState, Message, Role, utcnow
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import sla_policies
from agent_workspace.services.channels.assignment import Assignment, update_assignment
from agent_workspace.services.channels.settings import create_channel
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import supervision
from agent_workspace.services.interactions.assignment import set_presence
from agent_workspace.services.interactions.overview import load_overview
from agent_workspace.services.interactions.sla_alarm import notify_breaches
from agent_workspace.services.interactions.supervision import BoardFilter
from agent_workspace.services.sending.send import SendRequest, send_sms
from agent_workspace.services.sla.clocks import keep_due
from agent_workspace.state.views import board_item, overview_item
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

SUPERVISOR_ROLES = (Role.AGENT, Role.SUPERVISOR)


def _texted(n: int, body: str = "Hello?", to: str = SUPPORT_NUMBER) -> int:
    """A consumer's first text: a new interaction with the virtual agent."""
    return receive_sms(
        sms=InboundSms(sid=f"SM{n:032x}", from_=f"+1415555{n:04d}", to=to, body=body)
    ).interaction_id


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: object) -> None:
        seen.append(str(args[2]))

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_the_overview_counts_the_floor_and_names_who_waited_longest(engine: Engine) -> None:
    make_channel()
    admin = make_user("root", roles=(Role.ADMIN,))
    make_consumer("Dana", "+14155550123")
    alice, bob = make_user("alice"), make_user("bob")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    first = _texted(1, "My parcel never arrived")  # waits longest
    _texted(2)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi Dana"))
    update_assignment(actor=admin, setting=Assignment(enabled=False, capacity=3))
    set_presence(actor=alice, presence="available")
    set_presence(actor=bob, presence="away")

    overview = supervision.board(actor=sam).overview
    assert (overview.open, overview.unassigned, overview.queued) == (3, 2, 2)
    assert overview.waiting is not None and overview.waiting.interaction_id == first
    assert overview.breaching_soon is None  # no SLA policy: the slot says so, not "0"
    groups = {p: [(m.name, m.load) for m in group] for p, group in overview.team}
    assert groups[Presence.AVAILABLE] == [("Alice", "1")]  # assignment off: no capacity
    assert groups[Presence.AWAY] == [("Bob", "0")]
    assert groups[Presence.OFFLINE] == [("Sam", "0")]

    update_assignment(actor=admin, setting=Assignment(enabled=True, capacity=1))
    # Turning assignment on hands the queue out: Alice (room for 1) is full already.
    overview = load_overview()
    [alice_card] = [m for m in overview.members if m.name == "Alice"]
    assert (alice_card.load, alice_card.full) == ("1 / 1", True)
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Anything else?"))
    assert load_overview().waiting is not None
    receive_sms(
        sms=InboundSms(sid="SM" + "f" * 32, from_="+14155550123", to=SUPPORT_NUMBER, body="No")
    )
    waiting = load_overview().waiting
    assert waiting is not None and waiting.interaction_id == first  # Dana waits since now
    assert sent.interaction_id != first


def test_the_overview_costs_the_same_queries_for_one_agent_or_many(engine: Engine) -> None:
    make_channel()
    make_user("alice")
    _texted(1)
    load_overview()  # warm caches (dialect, channel numbers)
    with _statements(engine) as few:
        load_overview()
    for name in ("bob", "carol", "dave", "erin"):
        make_user(name)
    for n in range(2, 6):
        _texted(n)
    with _statements(engine) as many:
        load_overview()
    assert len(many) == len(few) <= 8


def test_the_table_is_paged_on_the_server_latest_activity_first(engine: Engine) -> None:
    make_channel()
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    made = [_texted(n) for n in range(1, 28)]
    first = supervision.board_page(actor=sam)
    assert first.span.text() == "1-25 of 27" and first.span.has_next
    assert [r.interaction.id for r in first.rows] == made[::-1][:25]
    second = supervision.board_page(actor=sam, page=2)
    assert [r.interaction.id for r in second.rows] == made[1::-1]
    assert second.span.text() == "26-27 of 27" and not second.span.has_next
    beyond = supervision.board_page(actor=sam, page=9)  # rows closed under the supervisor
    assert beyond.span.page == 2


def test_the_table_filters_by_state_agent_channel_and_text(engine: Engine) -> None:
    make_channel()
    with transaction() as session:
        other = create_channel(
            session=session,
            name="Billing",
            provider_numbers=(("+14155550177", "billing"),),
            policy=AttachmentPolicy(),
            quiet_hours=False,
        )
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    parcel = _texted(1, "My parcel never arrived")
    billing = _texted(2, "Why was I charged twice?", to="+14155550177")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))

    def ids(**filters: object) -> list[int]:
        found = supervision.board_page(actor=sam, filters=BoardFilter(**filters))  # type: ignore[arg-type]
        return sorted(r.interaction.id for r in found.rows)

    assert ids(channel_id=other.id) == [billing]
    assert ids(text="parcel") == [parcel]
    assert ids(text="Dana") == [sent.interaction_id]
    assert ids(agent_id=alice.user_id) == [sent.interaction_id]
    assert ids(state=InteractionState.NEW) == sorted([parcel, billing])
    assert ids(virtual_agent=True, text="charged") == [billing]
    channels = dict(supervision.board(actor=sam).channels)
    assert channels[other.id or 0] == "Billing (+1 415-555-0177)"


def test_the_table_refuses_bad_filters_and_non_supervisors(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    with pytest.raises(AccessDenied, match="supervisor"):
        supervision.board_page(actor=alice)
    with pytest.raises(InvalidInput, match="search"):
        supervision.board_page(actor=sam, filters=BoardFilter(text="x" * 5000))
    with pytest.raises(InvalidInput, match="channels offered"):
        supervision.board_page(actor=sam, filters=BoardFilter(channel_id=-3))


def _policy(admin: Actor, first: str) -> None:
    sla_policies.save_policy(
        actor=admin,
        policy_id=None,
        label_id=None,
        first_response=first,
        next_response="",
        resolution="",
    )


def _asked_ago(engine: Engine, interaction_id: int, minutes: int) -> None:
    """The consumer's texts of this conversation came `minutes` ago (its clock set then)."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(Message)
            .where(col(Message.interaction_id) == interaction_id)
            .values(created_at=utcnow() - timedelta(minutes=minutes))
        )
    with transaction(engine) as session:  # history rewritten behind the services' back
        keep_due(session, [interaction_id])


def test_breaching_soon_counts_clocks_due_soon_and_overdue_at_its_moment(engine: Engine) -> None:
    make_channel()
    admin = make_user("root", roles=(Role.ADMIN,))
    alice = make_user("alice")
    sam = make_user("sam", roles=SUPERVISOR_ROLES)
    make_consumer("Dana", "+14155550123")
    late, soon, fresh = _texted(1), _texted(2), _texted(3)
    answered = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    assert load_overview().breaching_soon is None  # no policy on any channel: not a 0
    _policy(admin, first="1h")
    _asked_ago(engine, late, 70)  # overdue by 10 minutes
    _asked_ago(engine, soon, 50)  # 10 of 60 minutes left: the last quarter, due soon
    now = utcnow()

    assert load_overview(now=now).breaching_soon == Breaching(due_soon=1, overdue=1)
    item = overview_item(load_overview(now=now))
    assert (item.sla, item.breaching_soon, item.breaching_text) == (
        True,
        2,
        "1 due soon · 1 overdue",
    )
    assert load_overview(now=now - timedelta(hours=2)).breaching_soon == Breaching()
    later = load_overview(now=now + timedelta(minutes=50)).breaching_soon  # fresh: 10m left
    assert later == Breaching(due_soon=1, overdue=2)
    assert overview_item(load_overview(now=now - timedelta(hours=2))).breaching_text == (
        "Every clock on time"
    )

    # The board's filter keeps the same conversations; its rows say their clocks.
    found = supervision.board_page(actor=sam, filters=BoardFilter(breaching=True), now=now)
    assert sorted(r.interaction.id for r in found.rows) == [late, soon]
    said = {r.interaction.id: board_item(r, now) for r in supervision.board_page(actor=sam).rows}
    assert said[late].sla_text in ("First response 10m overdue", "First response 11m overdue")
    assert said[late].sla_status == "red"
    assert said[soon].sla_status == "amber" and "due soon" in said[soon].sla_text
    assert said[fresh].sla_status == "ok"
    assert said[answered.interaction_id].sla_text == ""  # no clock runs: nothing said


def test_breaching_soon_costs_the_same_queries_for_few_conversations_or_many(
    engine: Engine,
) -> None:
    make_channel()
    admin = make_user("root", roles=(Role.ADMIN,))
    _policy(admin, first="1h")
    _asked_ago(engine, _texted(1), 50)
    load_overview()  # warm caches (dialect, channel numbers)
    with _statements(engine) as few:
        assert load_overview().breaching_soon == Breaching(due_soon=1)
    for n in range(2, 7):
        _asked_ago(engine, _texted(n), 70)
    with _statements(engine) as many:
        assert load_overview().breaching_soon == Breaching(due_soon=1, overdue=5)
    assert len(many) == len(few) <= 14


def test_a_breach_the_alarm_notices_is_a_change_the_board_hears(engine: Engine) -> None:
    make_channel()
    admin = make_user("root", roles=(Role.ADMIN,))
    _policy(admin, first="1h")
    late = _texted(1)
    heard: list[events.Event] = []
    stop = events.subscribe(heard.append)
    try:
        assert notify_breaches(now=utcnow() + timedelta(minutes=61)) == 1
    finally:
        stop()
    changed = [e for e in heard if isinstance(e, events.InteractionChanged)]
    assert [(e.interaction_id, e.board) for e in changed] == [(late, events.SUPERVISORS)]
