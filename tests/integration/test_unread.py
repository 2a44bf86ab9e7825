"""Unread counts for many agents in one statement equal each agent's own count."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from agent_workspace.services.interactions.inbox import mark_seen
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.unread import (
    unread_in,
    unread_of_many,
    unread_query,
    unread_totals,
)
from agent_workspace.services.membership import interaction_ids_of
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.integration.test_inbox import text_in
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA, ELI, FAY = "+14155550101", "+14155550102", "+14155550103"


def _floor() -> tuple[list[int], list[int]]:
    """Three agents, three interactions: shared, seen, closed, and one nobody has seen."""
    make_channel()
    for name, phone in (("Dana", DANA), ("Eli", ELI), ("Fay", FAY)):
        make_consumer(name, phone)
    alice, bob, cy = make_user("alice"), make_user("bob"), make_user("carol")
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hi Dana"))
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, DANA, "Bob too"))  # joins
    eli = send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, ELI, "Hi Eli"))
    fay = send_sms(actor=cy, request=SendRequest(SUPPORT_NUMBER, FAY, "Hi Fay"))
    for phone, body in ((DANA, "one"), (DANA, "two"), (ELI, "three"), (FAY, "four")):
        text_in(phone, body)
    mark_seen(actor=alice, interaction_id=dana.interaction_id)
    text_in(DANA, "five")  # alice has seen two of three; bob none
    close_by_agent(actor=cy, interaction_id=fay.interaction_id)  # unread, but closed
    agents = [alice.user_id, bob.user_id, cy.user_id]
    return agents, [dana.interaction_id, eli.interaction_id, fay.interaction_id]


def test_many_agents_counts_equal_each_agents_own(engine: Engine) -> None:
    agents, interactions = _floor()
    pairs = [(a, i) for a in agents for i in interactions]
    with Session(engine) as session:
        one_by_one = {
            (a, i): n for a in agents for i, n in unread_in(session, a, interactions).items()
        }
        together = unread_of_many(session, pairs)
    assert together == one_by_one
    dana, eli, fay = interactions
    alice, bob, cy = agents
    assert together[(alice, dana)] == 1 and together[(bob, dana)] == 3
    assert together[(bob, eli)] == 1 and together[(cy, fay)] == 1


def test_only_the_asked_pairs_come_back(engine: Engine) -> None:
    agents, interactions = _floor()
    alice, bob, _ = agents
    dana, eli, _ = interactions
    with Session(engine) as session:
        assert unread_of_many(session, [(alice, dana), (bob, eli)]) == {
            (alice, dana): 1,
            (bob, eli): 1,
        }
        assert unread_of_many(session, []) == {}


def test_many_agents_totals_equal_each_agents_own_over_open_interactions(engine: Engine) -> None:
    agents, _ = _floor()
    with Session(engine) as session:
        one_by_one = {
            a: int(session.exec(unread_query(a, interaction_ids_of(a), total=True)).one())
            for a in agents
        }
        together = unread_totals(session, agents)
    alice, bob, cy = agents
    assert one_by_one == {alice: 1, bob: 4, cy: 0}  # cy's is closed
    assert {a: together.get(a, 0) for a in agents} == one_by_one
