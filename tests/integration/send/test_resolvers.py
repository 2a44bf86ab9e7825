"""The profile resolver is an extension point: a deployment installs its own through an entry
point and selects it with AW_PROFILE_RESOLVER, and the workflows follow it."""

from __future__ import annotations

import dataclasses
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.domain.routing import PersonKind, PersonRef, Workflow
from agent_workspace.models import ChannelUserProfile, Consumer, Interaction
from agent_workspace.services.access import Actor
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.people import resolvers
from agent_workspace.services.sending.send import SendRequest, preview_send, send_sms
from tests.integration.send.conftest import PHONE, assert_invariants, counts
from tests.support.factories import SUPPORT_NUMBER, make_consumer

PLUGIN = '''
"""A deployment's rule: every send starts over with a new person for the number."""

from agent_workspace.services.people.resolvers import Resolution, active_profile


class AlwaysNewResolver:
    def resolve(self, session, *, channel_id, phone, context_person):
        return Resolution(None, active_profile(session, channel_id, phone))
'''


@pytest.fixture
def plugin_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A real installed distribution on sys.path: a .dist-info with the entry point, and its
    module, as `pip install` of a deployment's package would leave them."""
    root = tmp_path / "site"
    dist_info = root / "aw_always_new-1.0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: aw-always-new\nVersion: 1.0\n"
    )
    (dist_info / "entry_points.txt").write_text(
        textwrap.dedent(
            f"""\
            [{resolvers.ENTRY_POINT_GROUP}]
            always_new = aw_always_new:AlwaysNewResolver
            """
        )
    )
    (root / "aw_always_new.py").write_text(PLUGIN)
    monkeypatch.syspath_prepend(str(root))
    yield
    sys.modules.pop("aw_always_new", None)


def select_resolver(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv("AW_PROFILE_RESOLVER", name)
    get_settings.cache_clear()
    resolvers.clear_resolver_cache()


@pytest.mark.usefixtures("plugin_site")
def test_a_resolver_installed_through_an_entry_point_decides_the_workflow(
    engine: Engine,
    channel_id: int,
    agent: Actor,
    other_agent: Actor,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    carol = make_consumer("Carol", PHONE)
    request = SendRequest(SUPPORT_NUMBER, PHONE, "Hello")
    first = send_sms(actor=agent, request=request)
    assert (
        preview_send(
            actor=other_agent, interaction_id=None, from_number=SUPPORT_NUMBER, to=PHONE
        ).workflow
        is Workflow.ACTIVE_LIVE_AGENT
    )  # what the default resolver says

    select_resolver(monkeypatch, "always_new")

    assert type(resolvers.get_resolver()).__name__ == "AlwaysNewResolver"
    preview = preview_send(
        actor=other_agent, interaction_id=None, from_number=SUPPORT_NUMBER, to=PHONE
    )
    assert preview.confirm.startswith("Send will close")
    result = send_sms(actor=other_agent, request=dataclasses.replace(request, confirmed=True))

    assert preview.workflow is Workflow.ACTIVE_DIFFERENT_USER
    assert result.workflow is Workflow.ACTIVE_DIFFERENT_USER
    assert result.interaction_id != first.interaction_id
    with Session(engine) as session:
        profile = session.exec(
            select(ChannelUserProfile).where(col(ChannelUserProfile.is_active))
        ).one()
        assert profile.consumer_id not in (None, carol.id)
        newcomer = session.get(Consumer, profile.consumer_id)
        assert newcomer is not None and newcomer.last_name == f"({PHONE})"
    assert_invariants(engine)

    select_resolver(monkeypatch, "default")  # switching back needs no code change
    again = send_sms(actor=agent, request=request)
    assert again.workflow is Workflow.ACTIVE_LIVE_AGENT
    assert again.interaction_id == result.interaction_id


def test_an_explicit_resolver_argument_overrides_the_setting(
    engine: Engine, channel_id: int, agent: Actor, other_agent: Actor
) -> None:
    carol = make_consumer("Carol", PHONE)
    dave = make_consumer("Dave")

    class NumberBelongsToDave:
        def resolve(
            self,
            session: Session,
            *,
            channel_id: int,
            phone: str,
            context_person: PersonRef | None,
        ) -> resolvers.Resolution:
            return resolvers.Resolution(dave, resolvers.active_profile(session, channel_id, phone))

    send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi Carol"))
    result = send_sms(
        actor=other_agent,
        request=SendRequest(SUPPORT_NUMBER, PHONE, "Hi Dave", confirmed=True),
        resolver=NumberBelongsToDave(),
    )

    assert result.workflow is Workflow.ACTIVE_DIFFERENT_USER
    assert dave.kind is PersonKind.CONSUMER and dave.id != carol.id
    with Session(engine) as session:
        active = session.exec(
            select(ChannelUserProfile).where(col(ChannelUserProfile.is_active))
        ).one()
    assert active.consumer_id == dave.id


def test_an_unknown_resolver_name_is_a_clear_lookup_error_and_nothing_is_written(
    engine: Engine, channel_id: int, agent: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_consumer("Carol", PHONE)
    select_resolver(monkeypatch, "no_such_resolver")
    before = counts(engine)

    with pytest.raises(LookupError, match=r"No profile resolver named 'no_such_resolver'.*default"):
        send_sms(actor=agent, request=SendRequest(SUPPORT_NUMBER, PHONE, "Hello"))

    assert counts(engine) == before


@pytest.mark.usefixtures("plugin_site")
def test_an_inbound_text_is_routed_by_the_selected_resolver(
    engine: Engine, channel_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    carol = make_consumer("Carol", PHONE)
    select_resolver(monkeypatch, "always_new")

    received = receive_sms(
        sms=InboundSms(sid="SM" + "7" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Hi")
    )

    with Session(engine) as session:
        interaction = session.get(Interaction, received.interaction_id)
        assert interaction is not None and interaction.virtual_agent
        assert interaction.consumer_id not in (None, carol.id)
        newcomer = session.get(Consumer, interaction.consumer_id)
        assert newcomer is not None and newcomer.last_name == f"({PHONE})"
        profile = session.get(ChannelUserProfile, interaction.profile_id)
        assert profile is not None and profile.consumer_id == newcomer.id
    assert_invariants(engine)


def test_an_inbound_text_from_a_shared_number_is_not_given_to_its_first_owner(
    engine: Engine, channel_id: int
) -> None:
    make_consumer("Carol", PHONE)
    make_consumer("Dave", PHONE)

    received = receive_sms(
        sms=InboundSms(sid="SM" + "8" * 32, from_=PHONE, to=SUPPORT_NUMBER, body="Who am I?")
    )

    with Session(engine) as session:
        interaction = session.get(Interaction, received.interaction_id)
        assert interaction is not None and interaction.virtual_agent
        # The default resolver cannot tell Carol from Dave: the agent who picks it up decides.
        assert (interaction.consumer_id, interaction.contact_id, interaction.profile_id) == (
            None,
            None,
            None,
        )
        assert session.exec(select(ChannelUserProfile)).all() == []
