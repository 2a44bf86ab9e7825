"""An administrator chooses among the installed resolvers; the next Send and inbound text follow
it with no restart."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.domain.routing import Workflow
from agent_workspace.models import AuditEvent, Channel, Interaction, Role
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import admin
from agent_workspace.services.errors import AccessDenied, InvalidInput
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.integration.send.conftest import PHONE, counts
from tests.integration.send.test_resolvers import plugin_site
from tests.support.factories import SUPPORT_NUMBER, make_consumer, make_user

__all__ = ["plugin_site"]  # the fixture, used by name below


def _changes(engine: Engine) -> list[AuditEvent]:
    with Session(engine) as session:
        query = select(AuditEvent).where(AuditEvent.action == "channel.resolver_changed")
        return list(session.exec(query).all())


@pytest.mark.usefixtures("plugin_site")
def test_installed_resolvers_are_listed_with_their_descriptions(
    engine: Engine, channel_id: int
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    choice = admin.resolver_choice(actor=ada)
    described = {r.name: r.description for r in choice.installed}
    assert described["always_new"] == (
        "A deployment's rule: every send starts over with a new person for the number."
    )
    assert described["default"].startswith("The interaction's consumer or contact is the person")
    assert (choice.chosen, choice.default) == (None, "default")


@pytest.mark.usefixtures("plugin_site")
def test_the_chosen_resolver_decides_the_next_send_and_inbound_text(
    engine: Engine, channel_id: int, agent: Actor, other_agent: Actor
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    make_consumer("Carol", PHONE)
    request = SendRequest(SUPPORT_NUMBER, PHONE, "Hello")
    first = send_sms(actor=agent, request=request)

    assert admin.choose_resolver(actor=ada, name="always_new").chosen == "always_new"
    moved = send_sms(actor=other_agent, request=dataclasses.replace(request, confirmed=True))
    assert moved.workflow is Workflow.ACTIVE_DIFFERENT_USER
    assert moved.interaction_id != first.interaction_id
    received = receive_sms(
        sms=InboundSms(sid="SM" + "6" * 32, from_="+14155550177", to=SUPPORT_NUMBER, body="Hi")
    )
    with Session(engine) as session:
        inbound = session.get(Interaction, received.interaction_id)
        assert inbound is not None and inbound.consumer_id is not None

    admin.choose_resolver(actor=ada, name=None)  # back to AW_PROFILE_RESOLVER
    assert send_sms(actor=agent, request=request).workflow is Workflow.ACTIVE_LIVE_AGENT
    assert [(e.detail["before"], e.detail["after"]) for e in _changes(engine)] == [
        (None, "always_new"),
        ("always_new", None),
    ]


def test_choosing_the_same_resolver_again_writes_nothing(engine: Engine, channel_id: int) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    admin.choose_resolver(actor=ada, name="default")
    admin.choose_resolver(actor=ada, name="default")
    assert len(_changes(engine)) == 1


def test_an_uninstalled_name_is_refused_and_agents_may_not_choose(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(InvalidInput, match="No profile resolver named 'nope' is installed"):
        admin.choose_resolver(actor=ada, name="nope")
    with pytest.raises(AccessDenied, match="admin role"):
        admin.choose_resolver(actor=agent, name="default")
    with pytest.raises(AccessDenied, match="admin role"):
        admin.resolver_choice(actor=agent)
    assert _changes(engine) == []


def test_a_chosen_resolver_uninstalled_later_refuses_send_but_keeps_inbound_texts(
    engine: Engine, channel_id: int, agent: Actor
) -> None:
    make_consumer("Carol", PHONE)
    with Session(engine) as session:  # as if its package was uninstalled after the choice
        channel = session.get(Channel, channel_id)
        assert channel is not None
        channel.profile_resolver = "gone"
        session.add(channel)
        session.commit()
    before = counts(engine)
    with pytest.raises(InvalidInput, match="'gone' an administrator chose is no longer installed"):
        send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hello"))
    assert counts(engine) == before
    receive_sms(sms=InboundSms(sid="SM" + "5" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Hi"))
