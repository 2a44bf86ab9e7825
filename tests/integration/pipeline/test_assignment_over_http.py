"""A signed inbound webhook, routed as the app's router does, lands with an Available agent when
the channel assigns automatically, and with the virtual agent when it does not."""

from __future__ import annotations

from sqlmodel import select

from agent_workspace.db.engine import transaction
from agent_workspace.models import Interaction, Role
from agent_workspace.services.channels.assignment import Assignment, update_assignment
from agent_workspace.services.interactions.assignment import set_presence
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, audit_rows
from tests.support.factories import make_user


def _interaction_of(phone: str) -> Interaction:
    with transaction() as session:
        found = session.exec(select(Interaction).where(Interaction.phone == phone)).one()
        session.expunge(found)
        return found


def test_a_first_text_over_http_goes_to_the_available_agent(pipeline: Pipeline) -> None:
    admin = make_user("root", roles=(Role.ADMIN,))
    update_assignment(actor=admin, setting=Assignment(enabled=True, capacity=3))
    set_presence(actor=pipeline.agent, presence="available")

    response = pipeline.post_webhook("/api/twilio/inbound", pipeline.inbound_form(1, "Hi there"))

    assert response.status_code == 200
    interaction = _interaction_of(CONSUMER_PHONE)
    assert (interaction.virtual_agent, interaction.assigned_agent_id) == (
        False,
        pipeline.agent.user_id,
    )
    assert [row.entity_id for row in audit_rows("interaction.assigned")] == [interaction.id]


def test_with_assignment_off_a_first_text_waits_with_the_virtual_agent(
    pipeline: Pipeline,
) -> None:
    set_presence(actor=pipeline.agent, presence="available")

    pipeline.post_webhook("/api/twilio/inbound", pipeline.inbound_form(1, "Hi there"))

    interaction = _interaction_of(CONSUMER_PHONE)
    assert (interaction.virtual_agent, interaction.assigned_agent_id) == (True, None)
