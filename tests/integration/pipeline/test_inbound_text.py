"""A signed inbound text is kept whatever its Body holds: what a column cannot hold is replaced
in the message, what an SMS cannot be is cut with a mark, and the webhook keeps every byte.

Posted over HTTP with a real signature and routed as the app's router does, on SQLite and
PostgreSQL (whose text columns cannot hold a NUL).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import AcceptedWebhook, Message
from agent_workspace.services.conversation.conversation import load_conversation
from tests.integration.pipeline.conftest import Pipeline, accepted_row, count

INBOUND = "/api/twilio/inbound"
MB = 1024 * 1024


def _shown(sid: str) -> str:
    """The body as the interaction page shows it (the conversation the agent reads)."""
    with transaction() as session:
        interaction_id = session.exec(
            select(Message.interaction_id).where(Message.provider_sid == sid)
        ).one()
    (shown,) = [m.body for m in load_conversation(interaction_id).tail]
    return shown


def test_a_text_with_a_nul_is_stored_and_shown_and_its_webhook_kept_as_posted(
    pipeline: Pipeline,
) -> None:
    params = pipeline.inbound_form(1, "Call me\x00 at 5, my email is jo\x00example.com")

    assert pipeline.post_webhook(INBOUND, params).status_code == 200

    row = accepted_row(params["MessageSid"])
    assert (row.error, row.message_id is not None) == (None, True)
    assert row.fields["Body"] == params["Body"]  # the original, every character
    assert _shown(params["MessageSid"]) == "Call me\ufffd at 5, my email is jo\ufffdexample.com"


def test_a_body_longer_than_an_sms_is_cut_at_1600_characters_with_a_visible_mark(
    pipeline: Pipeline,
) -> None:
    """Behind the served app's body guard a body this large is refused first (413 past
    AW_WEBHOOK_MAX_BYTES, tests/e2e/test_edge.py); the routes keep the rule for any that pass."""
    body = "".join(chr(ord("a") + i % 26) for i in range(MB))
    params = pipeline.inbound_form(2, body)

    assert pipeline.post_webhook(INBOUND, params).status_code == 200

    shown = _shown(params["MessageSid"])
    assert shown.startswith(body[:1600])
    mark = shown[1600:]
    assert body[1600:1610] not in mark
    assert mark.startswith("\n[Cut:") and "1,048,576 characters" in mark and "1,600" in mark
    assert accepted_row(params["MessageSid"]).fields["Body"] == body  # the rest is kept


@pytest.fixture
def refusing_database(engine: Engine) -> Iterator[None]:
    """The database refuses every new accepted webhook (a trigger), as a full disk would."""
    sqlite = engine.dialect.name == "sqlite"
    with engine.begin() as conn:
        if not sqlite:
            conn.exec_driver_sql(
                "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS"
                " $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$"
            )
        conn.exec_driver_sql(
            "CREATE TRIGGER refuse BEFORE INSERT ON accepted_webhook "
            + (
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
                if sqlite
                else "FOR EACH ROW EXECUTE FUNCTION refuse()"
            )
        )
    yield
    with engine.begin() as conn:  # PostgreSQL's database outlives the test
        conn.exec_driver_sql("DROP TRIGGER refuse" + ("" if sqlite else " ON accepted_webhook"))
        if not sqlite:
            conn.exec_driver_sql("DROP FUNCTION refuse()")


@pytest.mark.usefixtures("refusing_database")
def test_a_webhook_the_database_cannot_keep_is_not_answered_200(pipeline: Pipeline) -> None:
    params = pipeline.inbound_form(3, "Is anyone there?")

    answer = pipeline.post_webhook(INBOUND, params)

    assert answer.status_code == 503
    assert "could not be stored" in answer.text
    assert (count(AcceptedWebhook), count(Message)) == (0, 0)
