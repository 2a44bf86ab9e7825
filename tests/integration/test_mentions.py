"""An @mention in an internal note tells the mentioned agent, live, with a link to the
interaction (domain/mentions.py decides who is mentioned; services/conversation/notes.py
tells them in the note's transaction)."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.models import Role, User
from agent_workspace.services import events
from agent_workspace.services.conversation.notes import add_note
from agent_workspace.services.conversation.transfer import transfer
from agent_workspace.services.interactions import notices
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA = "+14155550123"


def test_a_note_tells_each_mentioned_agent_once_and_nobody_else(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    ada = make_user("ada", roles=(Role.ADMIN,))
    gone = make_user("gone")
    with transaction() as session:
        user = session.get(User, gone.user_id)
        assert user is not None
        user.is_active = False
        session.add(user)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    seen: list[events.Event] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        add_note(
            actor=alice,
            interaction_id=sent.interaction_id,
            body="@Bob, @carol. mail bob@example.com; @bob again, @ada @gone @nobody @alice",
        )
    finally:
        unsubscribe()

    said = (
        f"Alice mentioned you in {sent.interaction_number}: "
        "@Bob, @carol. mail bob@example.com; @bob again, @ada @gone @nobody @alice"
    )
    for agent in (bob, carol):
        [notice] = notices.unread_notices(actor=agent)
        assert (notice.text, notice.interaction_id) == (said, sent.interaction_id)
        assert events.NoticeCreated(agent.user_id) in seen  # pushed live after commit
    assert notices.unread_notices(actor=alice) == []  # the author is not told
    assert notices.load_unread(ada.user_id) == []  # not an agent
    assert notices.load_unread(gone.user_id) == []  # deactivated
    assert not {events.NoticeCreated(w.user_id) for w in (alice, ada, gone)} & set(seen)


def test_a_note_without_mentions_tells_nobody(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice, bob = make_user("alice"), make_user("bob")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    add_note(actor=alice, interaction_id=sent.interaction_id, body="write to bob@example.com")
    assert notices.unread_notices(actor=bob) == []


def test_a_transfer_note_that_mentions_its_receiver_tells_them_once(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice, bob, carol = make_user("alice"), make_user("bob"), make_user("carol")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    transfer(
        actor=alice,
        interaction_id=sent.interaction_id,
        agent_id=bob.user_id,
        note="@bob she needs billing; @carol knows the case",
    )
    [to_bob] = notices.unread_notices(actor=bob)
    assert to_bob.text.startswith(f"Alice transferred {sent.interaction_number} to you")
    [to_carol] = notices.unread_notices(actor=carol)
    assert to_carol.text.startswith(f"Alice mentioned you in {sent.interaction_number}: ")
    assert to_carol.interaction_id == sent.interaction_id
