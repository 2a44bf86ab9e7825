"""Shared and personal canned replies: saved only with known placeholders, filled on use."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.models import AuditEvent, InteractionType, Role
from agent_workspace.services.conversation import canned_replies as replies
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput, NotFound
from agent_workspace.services.interactions.lifecycle import create_interaction
from tests.support.factories import make_channel, make_consumer, make_user

GREETING = "Hi {first_name} {last_name}, this is {agent_name}. {{Ref}}"


def _audit(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_a_shared_reply_is_filled_for_the_interactions_person_and_the_agent(
    engine: Engine,
) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    dana = make_consumer("Dana", "+14155550123")
    interaction = create_interaction(actor=alice, type=InteractionType.PHONE, person=dana)
    reply = replies.create_reply(actor=ada, title="Greeting", body=GREETING, shared=True)
    text = replies.render(actor=alice, reply_id=reply.id, interaction_id=interaction.id)
    assert text == "Hi Dana Tester, this is Alice. {Ref}"
    (event,) = _audit(engine, "canned_reply.created")
    assert (event.actor_user_id, event.detail) == (
        ada.user_id,
        {"title": "Greeting", "shared": True},
    )


def test_unknown_placeholders_are_refused_on_save_next_to_the_field(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(FieldProblems) as refused:
        replies.create_reply(actor=ada, title=" ", body="Hi {firstname}", shared=True)
    assert "{firstname} is not a placeholder" in refused.value.problems["body"]
    assert "title" in refused.value.problems
    assert replies.list_shared(actor=ada) == []
    assert _audit(engine, "canned_reply.created") == []


def test_agents_see_shared_and_their_own_replies_by_title_with_search(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice, bob = make_user("alice"), make_user("bob")
    replies.create_reply(actor=ada, title="Opening hours", body="9 to 5", shared=True)
    replies.create_reply(actor=ada, title="Refund 100%_policy", body="30 days", shared=True)
    replies.create_reply(
        actor=alice, title="My sign-off", body="Cheers, {agent_name}", shared=False
    )
    replies.create_reply(actor=bob, title="Bob's hours", body="mine", shared=False)
    titles = [r.title for r in replies.replies_for(actor=alice)]
    assert titles == ["My sign-off", "Opening hours", "Refund 100%_policy"]
    assert [r.title for r in replies.replies_for(actor=alice, search="HOURS")] == ["Opening hours"]
    assert [r.title for r in replies.replies_for(actor=alice, search="100%_")] == [
        "Refund 100%_policy"
    ]
    assert [r.title for r in replies.replies_for(actor=alice, search="0%x")] == []
    assert [r.shared for r in replies.replies_for(actor=alice, search="sign")] == [False]


def test_personal_replies_are_their_owners_alone(engine: Engine) -> None:
    make_channel()
    alice, bob = make_user("alice"), make_user("bob")
    dana = make_consumer("Dana", "+14155550123")
    interaction = create_interaction(actor=bob, type=InteractionType.PHONE, person=dana)
    mine = replies.create_reply(actor=alice, title="Mine", body="x", shared=False)
    with pytest.raises(NotFound):
        replies.update_reply(
            actor=bob, reply_id=mine.id, title="Stolen", body="y", version=mine.updated_at
        )
    with pytest.raises(NotFound):
        replies.delete_reply(actor=bob, reply_id=mine.id)
    with pytest.raises(NotFound):
        replies.render(actor=bob, reply_id=mine.id, interaction_id=interaction.id)
    assert replies.delete_reply(actor=alice, reply_id=mine.id) == "Mine"
    assert len(_audit(engine, "canned_reply.deleted")) == 1


def test_only_administrators_keep_shared_replies(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    shared = replies.create_reply(actor=ada, title="Shared", body="x", shared=True)
    with pytest.raises(AccessDenied, match="admin role"):
        replies.create_reply(actor=alice, title="Shared too", body="x", shared=True)
    with pytest.raises(AccessDenied, match="admin role"):
        replies.update_reply(
            actor=alice, reply_id=shared.id, title="Mine", body="x", version=shared.updated_at
        )
    with pytest.raises(AccessDenied, match="admin role"):
        replies.delete_reply(actor=alice, reply_id=shared.id)
    with pytest.raises(AccessDenied, match="admin role"):
        replies.list_shared(actor=alice)
    with pytest.raises(AccessDenied, match="agent_workspace_user"):
        replies.replies_for(actor=ada)
    assert _audit(engine, "canned_reply.updated") == _audit(engine, "canned_reply.deleted") == []


def test_an_edit_of_a_stale_version_is_refused_and_the_same_text_writes_nothing(
    engine: Engine,
) -> None:
    ada, root = make_user("ada", roles=(Role.ADMIN,)), make_user("root", roles=(Role.ADMIN,))
    opened = replies.create_reply(actor=ada, title="Hours", body="9 to 5", shared=True)
    saved = replies.update_reply(
        actor=root, reply_id=opened.id, title="Hours", body="8 to 6", version=opened.updated_at
    )
    with pytest.raises(InvalidInput, match="Someone else saved 'Hours' after you opened it"):
        replies.update_reply(
            actor=ada, reply_id=opened.id, title="Hours", body="10 to 4", version=opened.updated_at
        )
    replies.update_reply(
        actor=ada, reply_id=opened.id, title="Hours", body="8 to 6", version=saved.updated_at
    )
    assert len(_audit(engine, "canned_reply.updated")) == 1
    assert replies.list_shared(actor=ada)[0].body == "8 to 6"
    replies.delete_reply(actor=root, reply_id=opened.id)
    with pytest.raises(NotFound, match="someone deleted it"):
        replies.delete_reply(actor=ada, reply_id=opened.id)


def test_an_unknown_person_fills_no_name(engine: Engine) -> None:
    from agent_workspace.services.inbound.receive import InboundSms, receive_sms
    from agent_workspace.services.interactions import supervision

    make_channel()
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    received = receive_sms(
        sms=InboundSms(sid="SM" + "1" * 32, from_="+14155550188", to="+14155550100", body="Hi")
    )
    supervision.take_over(actor=sam, interaction_id=received.interaction_id)
    reply = replies.create_reply(actor=sam, title="Hi", body="Hello {first_name}!", shared=False)
    text = replies.render(actor=sam, reply_id=reply.id, interaction_id=received.interaction_id)
    assert text == "Hello !"
