"""Search through the message-text index (FTS5 on SQLite, pg_trgm on PostgreSQL) stays true to
what is stored, and keyset pages stay whole when many rows share a sort key."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.models import Interaction, Role, utcnow
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.notes import add_note
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import search
from agent_workspace.services.interactions.inbox import ListQuery, Scope, Sort, StateFilter, inbox
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

_sids = iter(range(1, 100_000))


def text_in(phone: str, body: str) -> int:
    sid = f"SM{next(_sids):032x}"
    return receive_sms(
        sms=InboundSms(sid=sid, from_=phone, to=SUPPORT_NUMBER, body=body)
    ).interaction_id


def found(actor: Actor, search: str) -> list[int]:
    query = ListQuery(scope=Scope.ALL, state=StateFilter.ANY, search=search)
    return [r.id for r in inbox(actor=actor, query=query).rows]


def test_inbound_and_outbound_text_is_searchable_as_soon_as_it_is_stored(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    sent = send_sms(
        actor=sam, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Parcel #42 is late")
    )
    assert found(sam, "PARCEL #42") == [sent.interaction_id]
    assert found(sam, "kumquat") == []
    text_in("+14155550101", "I ordered a KUMQUAT tree")
    assert found(sam, "kumquat") == [sent.interaction_id]  # case-insensitive substring


def test_a_word_in_an_old_message_is_found_under_many_newer_ones(engine: Engine) -> None:
    make_channel()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    old = text_in("+14155550150", "my zeppelin-shaped balloon never arrived")
    for n in range(30):
        text_in("+14155550150", f"still waiting, day {n}")
    other = text_in("+14155550151", "nothing to see")
    assert found(sam, "ZEPPELIN-SHAPED") == [old]
    assert found(sam, "to see") == [other]


def test_internal_notes_are_not_searched_and_short_words_skip_message_text(
    engine: Engine,
) -> None:
    make_channel()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    interaction = text_in("+14155550160", "ok")
    add_note(actor=sam, interaction_id=interaction, body="customer sounded upset about marmalade")
    assert found(sam, "marmalade") == []
    # Under three characters the index has no trigram to look up: numbers, names, phones only.
    assert found(sam, "ok") == []
    assert found(sam, "0160") == [interaction]


def _same_moment(engine: Engine, ids: list[int], *, waiting: set[int]) -> None:
    """Gives the interactions one shared timestamp, so only the id breaks ties."""
    moment = utcnow() - timedelta(hours=1)
    table = Interaction.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        for interaction_id in ids:
            conn.execute(
                sa.update(table)
                .where(table.c.id == interaction_id)
                .values(
                    updated_at=moment,
                    opened_at=moment,
                    awaiting_reply_since=moment if interaction_id in waiting else None,
                )
            )


def test_keyset_pages_have_no_duplicates_or_gaps_when_keys_tie(engine: Engine) -> None:
    make_channel()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    made = [text_in(f"+1415556{n:04d}", f"tie {n}") for n in range(11)]
    _same_moment(engine, made[:8], waiting=set(made[:3]))
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
        assert len(seen) == len(set(seen)), sort
        full = inbox(actor=sam, query=ListQuery(scope=Scope.ALL, sort=sort, limit=50)).rows
        assert seen == [r.id for r in full], sort  # the same order page by page as in one go


def test_waiting_longest_lists_waiting_consumers_first_then_the_rest_by_id(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    answered = send_sms(actor=sam, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    first = text_in("+14155550170", "first to ask")
    second = text_in("+14155550171", "second to ask")
    query = ListQuery(scope=Scope.ALL, sort=Sort.WAITING)
    rows = inbox(actor=sam, query=query).rows
    assert [r.id for r in rows] == [first, second, answered.interaction_id]
    assert rows[-1].awaiting_reply_since is None


def test_a_text_in_very_many_messages_finds_the_same_interactions_page_by_page(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550101")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    refunds = [text_in(f"+1415555{n:04}", f"about my refund {n}") for n in range(200, 206)]
    text_in("+14155550301", "100% sure")
    noted = text_in("+14155550302", "hello")
    add_note(actor=sam, interaction_id=noted, body="refund approved")
    dana = send_sms(actor=sam, request=SendRequest(SUPPORT_NUMBER, "+14155550101", "Hi"))
    by_union = (found(sam, "refund"), found(sam, "0% s"), found(sam, "dana"))
    monkeypatch.setattr(search, "COMMON_TEXT_HITS", 2)
    with Session(engine) as session:
        assert search.is_common(session, "refund") and not search.is_common(session, "kumquat")
    by_walk = (found(sam, "refund"), found(sam, "0% s"), found(sam, "dana"))
    assert by_walk == by_union
    assert sorted(by_walk[0]) == sorted(refunds)  # never the note
    assert by_walk[2] == [dana.interaction_id]  # names still match through their lookup
