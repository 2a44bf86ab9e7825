"""Each decision about an inbound text is made once: the route parses and checks the webhook and
finds the To number's channel; the accepted row keeps both, and the router builds the text from
the row, with that channel, under the phone lock, with no second look-up of the MessageSid.

Posted over HTTP with a real signature, routed as the app's router does, on SQLite and
PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.webhooks import message_body
from agent_workspace.models import AcceptedWebhook, Message, ProviderNumber, utcnow
from agent_workspace.services.inbound.route import route_pending
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, accepted_row, count
from tests.support.factories import SUPPORT_NUMBER

INBOUND = "/api/twilio/inbound"
MEDIA = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME"


def _message(sid: str) -> Message:
    with transaction() as session:
        message = session.exec(select(Message).where(Message.provider_sid == sid)).one()
        session.expunge(message)
        return message


def test_the_accepted_row_keeps_the_text_as_the_route_checked_it(pipeline: Pipeline) -> None:
    long_body = "x" * 2000
    params = pipeline.inbound_form(
        1,
        long_body,
        NumMedia="2",
        MediaUrl0=MEDIA + "1",
        MediaContentType0="image/png",
        MediaUrl1=MEDIA + "2",
        MediaContentType1="image/gif",
    )

    assert pipeline.post_webhook(INBOUND, params, route=False).status_code == 200

    row = accepted_row(params["MessageSid"])
    assert (row.from_number, row.to_number, row.opt_out_type) == (
        CONSUMER_PHONE,
        SUPPORT_NUMBER,
        None,
    )
    assert row.body == message_body(long_body)  # cut with its mark, as the message keeps it
    assert row.media == [[MEDIA + "1", "image/png"], [MEDIA + "2", "image/gif"]]
    assert row.fields == params  # and the form as posted, every field


def test_an_opt_out_type_no_column_can_hold_is_accepted_and_routed(pipeline: Pipeline) -> None:
    params = pipeline.inbound_form(2, "hello", OptOutType="ST\x00OP")

    assert pipeline.post_webhook(INBOUND, params).status_code == 200

    assert accepted_row(params["MessageSid"]).opt_out_type == "ST\ufffdOP"
    assert _message(params["MessageSid"]).body == "hello"


def test_routing_builds_the_text_from_the_row_and_never_parses_the_form_again(
    pipeline: Pipeline,
) -> None:
    params = pipeline.inbound_form(3, "what the route checked")
    assert pipeline.post_webhook(INBOUND, params, route=False).status_code == 200
    with transaction() as session:  # the kept form now says something else
        session.execute(
            sa.update(AcceptedWebhook)
            .where(AcceptedWebhook.sid == params["MessageSid"])  # type: ignore[arg-type]
            .values(fields={**params, "Body": "the form parsed again"})
        )

    assert route_pending() == 1

    assert _message(params["MessageSid"]).body == "what the route checked"


def test_a_row_accepted_before_the_text_was_kept_with_it_is_parsed_from_its_fields(
    pipeline: Pipeline,
) -> None:
    """Pending rows from before the upgrade have only the form: they are routed as they were."""
    params = pipeline.inbound_form(
        4, "accepted by the last version", NumMedia="1", MediaUrl0=MEDIA + "9"
    )
    with transaction() as session:
        channel_id = session.exec(select(ProviderNumber.channel_id)).first()
        assert channel_id is not None
        session.add(
            AcceptedWebhook(
                sid=params["MessageSid"],
                channel_id=channel_id,
                from_number=CONSUMER_PHONE,
                fields=params,
                accepted_at=utcnow(),
                attempts=0,
            )
        )

    assert route_pending() == 1

    message = _message(params["MessageSid"])
    assert (message.body, message.to_number) == ("accepted by the last version", SUPPORT_NUMBER)
    assert accepted_row(params["MessageSid"]).message_id == message.id


@pytest.fixture
def statements(pipeline: Pipeline) -> Iterator[list[str]]:
    """Every statement the engine runs from here on."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    sa.event.listen(pipeline.engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(pipeline.engine, "before_cursor_execute", note)


def test_routing_a_text_looks_up_neither_its_channel_nor_its_message_sid_again(
    pipeline: Pipeline, statements: list[str]
) -> None:
    """The first text of a phone, which opens an interaction: the most the router does."""
    params = pipeline.inbound_form(5, "first text")
    assert pipeline.post_webhook(INBOUND, params, route=False).status_code == 200
    statements.clear()

    assert route_pending() == 1

    assert count(Message) == 1
    # The channel (and the resolver an admin chose for it) come with the accepted row.
    alone = [s for s in statements if "accepted_webhook" not in s]
    assert [s for s in alone if "provider_number" in s] == []
    assert [s for s in alone if "profile_resolver" in s] == []
    # A MessageSid is routed once: the unique accepted row, settled under the phone lock.
    assert [s for s in statements if "provider_sid =" in s] == []
