"""A conversation snoozed until the consumer replies wakes when their text arrives as a signed
webhook over HTTP, in the transaction that stores it, on SQLite and PostgreSQL (issue 27
item 4); a second delivery of the same webhook wakes nothing twice."""

from __future__ import annotations

from agent_workspace.services.interactions import notices
from agent_workspace.services.interactions.inbox import ListQuery, inbox
from agent_workspace.services.interactions.snooze import snooze
from tests.integration.pipeline.conftest import Pipeline, audit_rows

INBOUND = "/api/twilio/inbound"


def test_a_signed_inbound_text_wakes_a_conversation_snoozed_until_reply(
    pipeline: Pipeline,
) -> None:
    iid = pipeline.send("+12015550150", "We will look into it").interaction_id
    snoozed = snooze(actor=pipeline.agent, interaction_id=iid, choice="reply", zone="UTC")
    assert inbox(actor=pipeline.agent, query=ListQuery()).rows == ()
    params = pipeline.inbound_form(7, "Any news on my refund?")

    assert pipeline.post_webhook(INBOUND, params).status_code == 200
    assert pipeline.post_webhook(INBOUND, params).status_code == 200  # Twilio retries

    [row] = inbox(actor=pipeline.agent, query=ListQuery()).rows
    assert (row.id, row.snoozed, row.preview) == (iid, False, "Any news on my refund?")
    [told] = notices.unread_notices(actor=pipeline.agent)
    assert told.text == f"Carol Tester replied: {snoozed.number} is back in My Interactions."
    assert [a.detail["why"] for a in audit_rows("interaction.woken", iid)] == ["reply"]
