"""The list an agent works from: scope, filters, search, keyset pages and unread counts."""

from __future__ import annotations

import re
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from agent_workspace.models import InteractionType, Role
from agent_workspace.services import events
from agent_workspace.services.accounts import auth
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.inbox import (
    ListQuery,
    RowChanges,
    Scope,
    Sort,
    StateFilter,
    inbox,
    mark_seen,
    mark_seen_many,
    my_row_changes,
    row_changes_for,
    unread_total,
)
from agent_workspace.services.interactions.lifecycle import close_by_agent, create_interaction
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

_sids = iter(range(1, 10_000))


def text_in(phone: str, body: str) -> int:
    return receive_sms(
        sms=InboundSms(sid=f"SM{next(_sids):032x}", from_=phone, to=SUPPORT_NUMBER, body=body)
    ).interaction_id


def numbers(page_rows: tuple) -> list[str]:  # type: ignore[type-arg]
    return [r.number for r in page_rows]


def test_my_interactions_are_mine_newest_activity_first_with_previews(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    make_consumer("Eli", "+14155550102")
    alice, bob = make_user("alice"), make_user("bob")
    first = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi Dana"))
    second = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550102", "Hi Eli"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550177", "Not Alice's"))
    text_in("+14155550101", "Thanks!\nsee you")

    rows = inbox(actor=alice, query=ListQuery()).rows
    assert numbers(rows) == [first.interaction_number, second.interaction_number]
    assert rows[0].preview == "Thanks!" and rows[0].last_message_inbound
    assert rows[0].awaiting_reply_since is not None
    assert rows[1].preview == "Hi Eli" and not rows[1].last_message_inbound


def test_unread_counts_rise_with_inbound_and_clear_when_seen(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    assert inbox(actor=alice, query=ListQuery()).rows[0].unread == 0
    text_in("+14155550101", "one")
    text_in("+14155550101", "two")
    assert inbox(actor=alice, query=ListQuery()).rows[0].unread == 2
    assert unread_total(actor=alice) == 2
    assert mark_seen(actor=alice, interaction_id=sent.interaction_id)
    assert not mark_seen(actor=alice, interaction_id=sent.interaction_id)  # nothing new
    assert inbox(actor=alice, query=ListQuery()).rows[0].unread == 0
    assert unread_total(actor=alice) == 0
    text_in("+14155550101", "three")
    assert unread_total(actor=alice) == 1


def test_many_agents_seen_marks_are_one_write_skipping_those_that_cannot_be_made(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    alice, bob = make_user("alice"), make_user("bob")
    boss = make_user("boss", roles=(Role.SUPERVISOR,))
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Bob too"))  # joins
    text_in("+14155550101", "one")
    text_in("+14155550101", "two")
    published: list[events.Event] = []
    unsubscribe = events.subscribe(published.append)
    try:
        marks = [(alice, dana.interaction_id), (bob, dana.interaction_id)]
        changed = mark_seen_many([*marks, (boss, dana.interaction_id), (alice, 999_999)])
        again = mark_seen_many(marks)
    finally:
        unsubscribe()
    assert (changed, again) == (2, 0)
    assert (unread_total(actor=alice), unread_total(actor=bob)) == (0, 0)
    lists = [e for e in published if isinstance(e, events.ListsChanged)]
    assert lists == [
        events.ListsChanged(
            frozenset({alice.user_id, bob.user_id}), frozenset({dana.interaction_id})
        )
    ]
    with pytest.raises(AccessDenied):  # one mark alone still says why it cannot be made
        mark_seen(actor=boss, interaction_id=dana.interaction_id)


def test_many_marks_read_their_rows_in_one_statement(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    agents = [make_user(name) for name in ("alice", "bob", "carol", "dave")]
    dana = send_sms(actor=agents[0], request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    for agent in agents[1:]:  # each joins the live group
        send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Here"))
    marks = [(agent, dana.interaction_id) for agent in agents]
    assert mark_seen_many(marks) == 4
    text_in("+14155550101", "one")
    reads: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if not statement.lstrip().upper().startswith("SELECT"):
            return
        if "interaction_view" in statement or re.search(r"FROM interaction\s+WHERE", statement):
            reads.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert mark_seen_many(marks) == 4
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(reads) == 2, reads  # the views, and the interaction


def test_a_seen_mark_from_a_session_that_ended_is_not_recorded(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    alice, bob = make_user("alice"), make_user("bob")
    token, bob_again = auth.sign_in(username="bob", password="bob-pass-phrase")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Bob too"))  # joins
    text_in("+14155550101", "one")
    auth.sign_out(token)  # bob signed out in the tab that still holds this actor
    assert mark_seen_many([(alice, dana.interaction_id), (bob_again, dana.interaction_id)]) == 1
    assert (unread_total(actor=alice), unread_total(actor=bob)) == (0, 1)


def test_the_unread_total_counts_live_group_interactions_and_not_closed_ones(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    make_consumer("Eli", "+14155550102")
    alice, bob = make_user("alice"), make_user("bob")
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi Dana"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Bob too"))  # joins
    elis = send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550102", "Hi Eli"))
    text_in("+14155550101", "one")
    text_in("+14155550102", "two")
    assert (unread_total(actor=alice), unread_total(actor=bob)) == (1, 2)
    close_by_agent(actor=bob, interaction_id=elis.interaction_id)
    assert unread_total(actor=bob) == 1


def test_a_push_carries_the_agents_changed_rows_and_their_title_count(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    alice, bob = make_user("alice"), make_user("bob")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    text_in("+14155550101", "Is it done?")
    text_in("+14155550101", "Hello?")
    bobs = send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550177", "Bob's"))
    changes = my_row_changes(alice.user_id, frozenset({dana.interaction_id, bobs.interaction_id}))
    [row] = changes.rows
    assert (row.id, row.unread, row.preview) == (dana.interaction_id, 2, "Hello?")
    assert changes.gone == frozenset({bobs.interaction_id})
    assert changes.unread_total == unread_total(actor=alice) == 2
    close_by_agent(actor=alice, interaction_id=dana.interaction_id)
    after = my_row_changes(alice.user_id, frozenset({dana.interaction_id}))
    assert [r.is_active for r in after.rows] == [False]  # closed: still hers, the tab filters
    assert after.unread_total == 0


def test_one_read_of_many_agents_changes_gives_each_agent_what_their_own_read_gives(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    alice, bob, cleo = make_user("alice"), make_user("bob"), make_user("cleo")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Bob too"))  # joins
    bobs = send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, "+14155550177", "Bob's"))
    text_in("+14155550101", "Is it done?")
    mark_seen(actor=bob, interaction_id=dana.interaction_id)
    both = frozenset({dana.interaction_id, bobs.interaction_id})
    wanted = {
        alice.user_id: both,
        bob.user_id: both,
        cleo.user_id: frozenset({dana.interaction_id}),
    }
    together = row_changes_for(wanted)
    assert together == {agent: my_row_changes(agent, ids) for agent, ids in wanted.items()}
    assert [(r.id, r.unread) for r in together[alice.user_id].rows] == [(dana.interaction_id, 1)]
    assert together[alice.user_id].gone == {bobs.interaction_id}
    assert [(r.id, r.unread) for r in together[bob.user_id].rows] == [
        (dana.interaction_id, 0),
        (bobs.interaction_id, 0),
    ]
    assert together[cleo.user_id] == RowChanges((), frozenset({dana.interaction_id}), 0)


def test_the_virtual_agent_queue_and_unassigned_scopes(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    queued = text_in("+14155550150", "Is anyone there?")
    rows = inbox(actor=alice, query=ListQuery(scope=Scope.VIRTUAL_AGENT)).rows
    assert [r.id for r in rows] == [queued]
    assert rows[0].unread == 1 and rows[0].virtual_agent
    assert inbox(actor=alice, query=ListQuery()).rows == ()
    assert inbox(actor=alice, query=ListQuery(scope=Scope.UNASSIGNED)).rows == ()


@pytest.mark.parametrize(
    ("search", "expected"),
    [("dana", ["Dana"]), ("TESTER", ["Dana", "Eli"]), ("refund", ["Eli"]), ("0101", ["Dana"])],
)
def test_search_finds_people_numbers_phones_and_message_text(
    engine: Engine, search: str, expected: list[str]
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    make_consumer("Eli", "+14155550102")
    alice = make_user("alice")
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hello"))
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550102", "Your Refund"))
    rows = inbox(actor=alice, query=ListQuery(search=search)).rows
    assert sorted(r.person_name.split()[0] for r in rows) == expected


def test_search_by_interaction_number_and_state_and_type_filters(engine: Engine) -> None:
    make_channel()
    dana = make_consumer("Dana", "+14155550101")
    alice = make_user("alice")
    phone_call = create_interaction(actor=alice, type=InteractionType.PHONE, person=dana)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    close_by_agent(actor=alice, interaction_id=phone_call.id)
    by_number = inbox(actor=alice, query=ListQuery(search=sent.interaction_number.lower()))
    assert numbers(by_number.rows) == [sent.interaction_number]
    closed = inbox(actor=alice, query=ListQuery(state=StateFilter.CLOSED)).rows
    assert numbers(closed) == [phone_call.number]
    phones = inbox(actor=alice, query=ListQuery(state=StateFilter.ANY, type=InteractionType.PHONE))
    assert numbers(phones.rows) == [phone_call.number]
    percent = inbox(actor=alice, query=ListQuery(search="100%")).rows
    assert percent == ()  # LIKE wildcards are taken literally


def test_keyset_pages_cover_every_row_once_in_each_sort(engine: Engine) -> None:
    make_channel()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    made = {text_in(f"+1415555{n:04d}", f"hello {n}") for n in range(7)}
    for sort in Sort:
        seen: list[int] = []
        query = ListQuery(scope=Scope.ALL, sort=sort, limit=3)
        while True:
            page = inbox(actor=sam, query=query)
            seen += [r.id for r in page.rows]
            if page.next is None:
                break
            query = ListQuery(scope=Scope.ALL, sort=sort, limit=3, after=page.next)
        assert sorted(seen) == sorted(made), sort
        assert len(seen) == len(set(seen))


def test_all_interactions_is_for_supervisors_and_searches_are_bounded(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    with pytest.raises(AccessDenied, match="supervisors"):
        inbox(actor=alice, query=ListQuery(scope=Scope.ALL))
    with pytest.raises(InvalidInput, match="at most 80"):
        inbox(actor=alice, query=ListQuery(search="x" * 81))
    with pytest.raises(AccessDenied):
        inbox(actor=None, query=ListQuery())
