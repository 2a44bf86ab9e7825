"""Transfer (issue 27 item 3): an agent hands a conversation to a colleague or back to the
queue with a note, in one transaction, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, select

from agent_workspace.models import AuditEvent, Interaction, Role, User
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import auth, users
from agent_workspace.services.conversation.messages import history as message_history
from agent_workspace.services.conversation.transfer import transfer, transfer_choices
from agent_workspace.services.errors import (
    AccessDenied,
    FieldProblems,
    InvalidInput,
    NotFound,
)
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import notices, work
from agent_workspace.services.interactions.confirmations import ConfirmationNeeded
from agent_workspace.services.interactions.inbox import ListQuery, Scope, inbox
from agent_workspace.services.interactions.lifecycle import close_by_agent
from agent_workspace.services.interactions.live_group import history
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA = "+14155550123"
EVE = "+14155550166"
WHY = "She wants a refund; Bob handles refunds."


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    stop = events.subscribe(seen.append)
    yield seen
    stop()


def _alices_conversation() -> int:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    return send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id


def _signed_in(username: str) -> Actor:
    _, actor = auth.sign_in(username=username, password=f"{username}-pass-phrase")
    return actor


def _mine(actor: Actor) -> list[int]:
    return [r.id for r in inbox(actor=actor, query=ListQuery(scope=Scope.MINE)).rows]


def _everything(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            t.name: sorted((tuple(r) for r in connection.execute(sa.select(t))), key=repr)
            for t in SQLModel.metadata.sorted_tables
        }


def test_alice_transfers_to_bob_with_a_note_in_one_change(
    engine: Engine, published: list[events.Event]
) -> None:
    iid = _alices_conversation()
    alice, bob = _signed_in("alice"), make_user("bob")
    make_user("carl")
    published.clear()

    done = transfer(actor=alice, interaction_id=iid, agent_id=bob.user_id, note=f"  {WHY}  ")

    assert (done.to, done.number.startswith("IMS")) == ("Bob", True)
    with Session(engine) as session:
        row = session.get(Interaction, iid)
        assert row is not None
        assert (row.assigned_agent_id, row.virtual_agent) == (bob.user_id, False)
        audit = session.exec(
            select(AuditEvent).where(AuditEvent.action == "interaction.transferred")
        ).one()
    assert (audit.actor_user_id, audit.detail["from"], audit.detail["to"]) == (
        alice.user_id,
        alice.user_id,
        bob.user_id,
    )
    assert audit.detail["note_id"] == done.note_id and audit.interaction_id == iid
    # The note in the conversation says who, to whom and why, by Alice.
    note = message_history(actor=bob, interaction_id=iid, before_seq=99)[-1]
    assert (note.direction, note.author) == ("note", "Alice")
    assert note.body == f"Alice transferred this to Bob: {WHY}"
    # Bob is told, live; Alice (who did it) is not.
    [told] = notices.unread_notices(actor=bob)
    assert told.text == f"Alice transferred {done.number} to you: {WHY}"
    assert told.interaction_id == iid
    assert notices.unread_notices(actor=alice) == []
    # The live group follows: Bob in, Alice out, both "transferred".
    stays = [
        (m.agent, m.join_reason, m.left_reason) for m in history(actor=bob, interaction_id=iid)
    ]
    assert stays == [("Alice", "sent", "transferred"), ("Bob", "transferred", None)]
    assert (_mine(alice), _mine(bob)) == ([], [iid])
    # After commit: the conversation's viewers and both agents' lists, and Bob's notices.
    changed = [e for e in published if isinstance(e, events.InteractionChanged)]
    assert len(changed) == 1 and not changed[0].messages_only
    assert {alice.user_id, bob.user_id} <= changed[0].agent_ids
    assert events.NoticeCreated(bob.user_id) in published


def test_back_to_the_queue_where_pick_up_takes_it(engine: Engine) -> None:
    iid = _alices_conversation()
    alice, bob = _signed_in("alice"), make_user("bob")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))

    done = transfer(actor=alice, interaction_id=iid, agent_id=None, note="Out sick tomorrow")

    assert done.to == "the queue"
    with Session(engine) as session:
        row = session.get(Interaction, iid)
        assert row is not None and (row.assigned_agent_id, row.virtual_agent) == (None, True)
    note = message_history(actor=bob, interaction_id=iid, before_seq=99)[-1]
    assert note.body == "Alice transferred this to the queue: Out sick tomorrow"
    assert [r.id for r in inbox(actor=bob, query=ListQuery(scope=Scope.VIRTUAL_AGENT)).rows] == [
        iid
    ]
    assert _mine(alice) == []
    with pytest.raises(InvalidInput, match="already waiting in the queue"):
        transfer(actor=sam, interaction_id=iid, agent_id=None, note="Still waiting")
    assert not transfer_choices(actor=sam, interaction_id=iid).queue
    work.pick_up(actor=bob, interaction_id=iid)
    assert _mine(bob) == [iid]


def test_bad_input_is_refused_in_words_and_writes_nothing(engine: Engine) -> None:
    iid = _alices_conversation()
    alice, bob = _signed_in("alice"), make_user("bob")
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_user("dora")
    users.deactivate_user(actor=ada, username="dora", via="admin page")
    with Session(engine) as session:
        dora_id = session.exec(select(User.id).where(User.username == "dora")).one()
    before = _everything(engine)

    cases: list[tuple[type[Exception], str, dict[str, object]]] = [
        (NotFound, "That agent does not exist", {"agent_id": 10**9}),
        (NotFound, "That agent does not exist", {"agent_id": -3}),
        (InvalidInput, "Dora is deactivated", {"agent_id": dora_id}),
        (InvalidInput, "Ada does not have the agent role", {"agent_id": ada.user_id}),
        (InvalidInput, "cannot transfer IMS\\d+ to yourself", {"agent_id": alice.user_id}),
        (FieldProblems, "Write a note", {"agent_id": bob.user_id, "note": "   "}),
        (FieldProblems, "at most 2,000 characters", {"agent_id": bob.user_id, "note": "x" * 2001}),
    ]
    for error, words, change in cases:
        arguments = {"note": WHY, **change}
        with pytest.raises(error, match=words):
            transfer(actor=alice, interaction_id=iid, **arguments)  # type: ignore[arg-type]
    with pytest.raises(AccessDenied, match="Only the assigned agent, the live group"):
        transfer(actor=bob, interaction_id=iid, agent_id=None, note=WHY)
    with pytest.raises(AccessDenied, match="Please sign in"):
        transfer(actor=None, interaction_id=iid, agent_id=bob.user_id, note=WHY)
    with pytest.raises(NotFound):
        transfer(actor=alice, interaction_id=10**9, agent_id=bob.user_id, note=WHY)
    assert _everything(engine) == before

    close_by_agent(actor=alice, interaction_id=iid)
    with pytest.raises(InvalidInput, match="is closed; there is nothing to transfer"):
        transfer(actor=alice, interaction_id=iid, agent_id=bob.user_id, note=WHY)
    with pytest.raises(InvalidInput, match="is closed; there is nothing to transfer"):
        transfer_choices(actor=alice, interaction_id=iid)


def test_a_supervisor_transferring_an_agents_work_asks_first_and_tells_both(
    engine: Engine,
) -> None:
    iid = _alices_conversation()
    alice, bob = _signed_in("alice"), make_user("bob")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    before = _everything(engine)

    with pytest.raises(ConfirmationNeeded) as asked:
        transfer(actor=sam, interaction_id=iid, agent_id=bob.user_id, note=WHY)
    assert asked.value.message == (
        "Transfer will take IMS0001001 from Alice and give it to Bob; Alice gets a notice."
    )
    assert _everything(engine) == before

    transfer(actor=sam, interaction_id=iid, agent_id=bob.user_id, note=WHY, confirmed=True)
    [to_alice] = notices.unread_notices(actor=alice)
    [to_bob] = notices.unread_notices(actor=bob)
    assert to_alice.text == "Sam transferred your IMS0001001 to Bob."
    assert to_bob.text == f"Sam transferred IMS0001001 to you: {WHY}"
    note = message_history(actor=bob, interaction_id=iid, before_seq=99)[-1]
    assert note.body == f"Sam transferred this from Alice to Bob: {WHY}"
    with pytest.raises(InvalidInput, match="IMS0001001 is already with Bob"):
        transfer(actor=sam, interaction_id=iid, agent_id=bob.user_id, note=WHY, confirmed=True)


def test_the_dialog_offers_active_agents_with_their_load_and_the_queue(engine: Engine) -> None:
    iid = _alices_conversation()
    alice, bob = _signed_in("alice"), make_user("bob")
    make_user("carl")
    make_user("ada", roles=(Role.ADMIN,))  # no agent role: not offered
    make_user("dora")
    root = make_user("root", roles=(Role.ADMIN,))
    users.deactivate_user(actor=root, username="dora", via="admin page")
    make_consumer("Eve", EVE)
    send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, EVE, "Hi Eve"))
    receive_sms(  # the virtual agent's: nobody's load
        sms=InboundSms(sid="SM" + "c" * 32, from_="+14155550177", to=SUPPORT_NUMBER, body="Hi")
    )

    choices = transfer_choices(actor=alice, interaction_id=iid)
    assert [(a.name, a.open_count) for a in choices.agents] == [("Bob", 1), ("Carl", 0)]
    assert choices.queue and choices.number == "IMS0001001"

    transfer(actor=alice, interaction_id=iid, agent_id=bob.user_id, note=WHY)
    choices = transfer_choices(actor=bob, interaction_id=iid)
    assert [(a.name, a.open_count) for a in choices.agents] == [("Alice", 0), ("Carl", 0)]
    with pytest.raises(AccessDenied):
        transfer_choices(actor=alice, interaction_id=iid)
