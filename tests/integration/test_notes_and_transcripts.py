"""Internal notes stay inside the workspace; transcripts carry the whole conversation."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import transaction
from agent_workspace.models import AuditEvent, Interaction, Role, User
from agent_workspace.services import events
from agent_workspace.services.conversation.conversation import conversation
from agent_workspace.services.conversation.notes import add_note
from agent_workspace.services.conversation.transcript import export_transcript
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions import supervision
from agent_workspace.services.outbox import claims
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA = "+14155550123"


def _waiting_row(engine: Engine, interaction_id: int) -> tuple[object, str, bool]:
    with Session(engine) as session:
        i = session.get(Interaction, interaction_id)
        assert i is not None
        return i.awaiting_reply_since, i.last_message_preview, i.last_message_inbound


def test_a_note_is_in_the_conversation_for_colleagues_but_never_sent_or_previewed(
    engine: Engine,
) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice, bob = make_user("alice"), make_user("bob")
    sam = make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    assert [job.message_id for job in claims.claim_due(limit=10)] == [sent.message_id]
    receive_sms(sms=InboundSms(sid="SM" + "a" * 32, from_=DANA, to=SUPPORT_NUMBER, body="Help?"))
    before = _waiting_row(engine, sent.interaction_id)
    seen: list[events.Event] = []
    unsubscribe = events.subscribe(seen.append)
    try:
        added = add_note(actor=bob, interaction_id=sent.interaction_id, body="  VIP, be kind ")
    finally:
        unsubscribe()

    assert events.InteractionChanged(sent.interaction_id, messages_only=True) in seen
    assert claims.claim_due(limit=10) == []  # the dispatcher only sends outbound messages
    assert _waiting_row(engine, sent.interaction_id) == before  # still waiting for an answer
    board = {r.interaction.id: r for r in supervision.board(actor=sam).rows}
    assert board[sent.interaction_id].last_message == "← Help?"
    tail = conversation(actor=sam, interaction_id=sent.interaction_id).tail
    note = tail[-1]
    assert (note.id, note.direction, note.status, note.body, note.author) == (
        added.message_id,
        "note",
        "note",
        "VIP, be kind",
        "Bob",
    )
    with Session(engine) as session:
        event = session.exec(
            select(AuditEvent).where(AuditEvent.action == "message.note_added")
        ).one()
    assert (event.actor_user_id, event.interaction_id) == (bob.user_id, sent.interaction_id)


def test_an_empty_note_is_refused_and_non_agents_may_not_write_one(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    ada = make_user("ada", roles=(Role.ADMIN,))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    with pytest.raises(FieldProblems, match="Write the note first"):
        add_note(actor=alice, interaction_id=sent.interaction_id, body="   ")
    with pytest.raises(AccessDenied, match="agent_workspace_user"):
        add_note(actor=ada, interaction_id=sent.interaction_id, body="hi")
    with Session(engine) as session:
        notes = session.exec(select(AuditEvent).where(AuditEvent.action == "message.note_added"))
        assert notes.all() == []


def test_transcripts_carry_times_authors_statuses_attachments_and_notes(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello Dana"))
    receive_sms(
        sms=InboundSms(
            sid="SM" + "b" * 32,
            from_=DANA,
            to=SUPPORT_NUMBER,
            body="Here it is",
            media=(("https://api.twilio.com/media/1", "image/jpeg"),),
        )
    )
    add_note(actor=alice, interaction_id=sent.interaction_id, body="Photo received")

    as_json = export_transcript(actor=alice, interaction_id=sent.interaction_id, format="json")
    data = json.loads(as_json.content)
    assert as_json.filename == f"{sent.interaction_number}.json"
    assert data["interaction"] == sent.interaction_number and data["person"] == "Dana Tester"
    assert [(m["direction"], m["status"], m["author"]) for m in data["messages"]] == [
        ("outbound", "queued", "Alice"),
        ("inbound", "received", None),
        ("note", "note", "Alice"),
    ]
    assert data["messages"][1]["attachments"] == ["media-1"]
    assert all(m["at"] for m in data["messages"])

    text = export_transcript(actor=alice, interaction_id=sent.interaction_id, format="text")
    assert text.mime_type == "text/plain" and text.filename.endswith(".txt")
    assert "Alice (from +1 415-555-0100) [queued]" in text.content
    assert "+1 415-555-0123 [received]" in text.content
    assert "Attachments: media-1" in text.content
    assert "Internal note by Alice\n    Photo received" in text.content


def test_control_characters_stored_in_names_cannot_forge_transcript_lines(
    engine: Engine,
) -> None:
    """Names stored before they were checked (or by another way in) are shown escaped."""
    make_channel()
    make_consumer("Dana\nAssigned to: Sam", DANA)
    alice = make_user("alice")
    forged = "Alice\n2026-01-01 00:00:00 UTC  Ada Admin (from +1 415-555-0100) [delivered]"
    with transaction() as session:
        user = session.get(User, alice.user_id)
        assert user is not None
        user.display_name = forged + "\u202e"
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello\nDana"))
    add_note(actor=alice, interaction_id=sent.interaction_id, body="Checked")

    text = export_transcript(actor=alice, interaction_id=sent.interaction_id, format="text")
    lines = text.content.splitlines()
    assert not any(line.startswith(("2026-01-01", "Assigned to: Sam")) for line in lines)
    assert "Person: Dana\\u000aAssigned to: Sam Tester" in text.content
    assert "Internal note by Alice\\u000a2026-01-01 00:00:00 UTC  Ada Admin" in text.content
    assert "\u202e" not in text.content and "\\u202e" in text.content
    assert "    Hello\n    Dana" in text.content  # a body's own lines stay indented under it
    as_json = json.loads(
        export_transcript(actor=alice, interaction_id=sent.interaction_id, format="json").content
    )
    assert as_json["messages"][0]["author"] == forged + "\u202e"  # JSON keeps the exact value


def test_transcripts_are_checked_like_opening_the_interaction(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    ada = make_user("ada", roles=(Role.ADMIN,))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))
    with pytest.raises(AccessDenied):
        export_transcript(actor=ada, interaction_id=sent.interaction_id, format="text")
    with pytest.raises(InvalidInput, match="text or JSON"):
        export_transcript(actor=alice, interaction_id=sent.interaction_id, format="pdf")


@pytest.mark.parametrize(
    ("zone", "offset", "said"),
    [
        ("Asia/Tokyo", "+09:00", "Asia/Tokyo (JST, UTC+09:00)"),
        ("Mars/Base", "+00:00", "UTC"),  # not a zone: UTC, and it says so
    ],
)
def test_a_transcript_says_the_zone_its_times_are_in(
    engine: Engine, zone: str, offset: str, said: str
) -> None:
    make_channel()
    make_consumer("Dana", DANA)
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello"))

    def export(format: str) -> str:
        return export_transcript(
            actor=alice, interaction_id=sent.interaction_id, format=format, zone=zone
        ).content

    data = json.loads(export("json"))
    assert data["time_zone"] == said.split(" ")[0]
    assert data["opened_at"].endswith(offset) and data["messages"][0]["at"].endswith(offset)
    text = export("text")
    assert f"Times: ISO 8601 in {said}" in text
    assert f"{data['messages'][0]['at']}  Alice (from +1 415-555-0100) [queued]" in text
