"""Away after idle minutes (issue 27 item 1), through the services on SQLite and PostgreSQL:
the browser reports idleness; only Available turns Away, only that Away turns back."""

from __future__ import annotations

import pytest
from sqlmodel import col, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import transaction
from agent_workspace.domain.availability import Presence
from agent_workspace.models import AuditEvent, Interaction, Role
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.channels.assignment import Assignment, update_assignment
from agent_workspace.services.errors import AccessDenied
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.interactions.assignment import set_presence
from agent_workspace.services.interactions.idle import away_after_ms, came_back, went_idle
from agent_workspace.services.interactions.overview import load_overview
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_user

pytestmark = pytest.mark.usefixtures("engine")
AVAILABLE, AWAY, OFFLINE = Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE


def _status(agent: Actor) -> str:
    [member] = [m for m in load_overview().members if m.agent_id == agent.user_id]
    return member.status


def _presence_audits(agent: Actor) -> list[dict[str, str]]:
    with transaction() as session:
        found = session.exec(
            select(AuditEvent)
            .where(
                AuditEvent.action == "user.presence_changed",
                AuditEvent.actor_user_id == agent.user_id,
            )
            .order_by(col(AuditEvent.id))
        ).all()
        return [dict(e.detail) for e in found]


def test_an_idle_available_agent_turns_away_and_back_when_they_act() -> None:
    make_channel()
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    published: list[events.Event] = []
    stop = events.subscribe(published.append)
    try:
        assert went_idle(actor=alice) == AWAY
    finally:
        stop()
    # The supervisors' boards hear it, and the agent's own tabs.
    assert published == [events.TeamChanged(), events.PresenceChanged(alice.user_id)]
    assert _status(alice) == "Away (idle)"
    assert went_idle(actor=alice) == AWAY  # a second tab saying so changes nothing
    assert came_back(actor=alice) == AVAILABLE
    assert _status(alice) == "Available"
    assert came_back(actor=alice) == AVAILABLE  # nothing to do
    assert [a.get("how") for a in _presence_audits(alice)] == [None, "idle", "active again"]


def test_coming_back_hands_out_the_queue_as_choosing_available_does() -> None:
    make_channel()
    admin = make_user("root", roles=(Role.ADMIN,))
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    update_assignment(actor=admin, setting=Assignment(enabled=True, capacity=2))
    went_idle(actor=alice)
    waiting = receive_sms(
        sms=InboundSms(sid="SM" + "a" * 32, from_="+12015550101", to=SUPPORT_NUMBER, body="Hi")
    ).interaction_id
    with transaction() as session:
        interaction = session.get(Interaction, waiting)
        assert interaction is not None and interaction.virtual_agent  # idle: not given
    came_back(actor=alice)
    with transaction() as session:
        interaction = session.get(Interaction, waiting)
        assert interaction is not None and interaction.assigned_agent_id == alice.user_id


@pytest.mark.parametrize("chosen", ["away", "offline"])
def test_a_status_the_agent_chose_is_never_changed_by_idleness(chosen: str) -> None:
    make_channel()
    alice = make_user("alice")
    set_presence(actor=alice, presence=chosen)
    audits = _presence_audits(alice)
    assert went_idle(actor=alice) == Presence(chosen)
    assert came_back(actor=alice) == Presence(chosen)
    assert _presence_audits(alice) == audits  # nothing written


def test_choosing_away_while_idle_makes_it_their_choice() -> None:
    make_channel()
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    went_idle(actor=alice)
    set_presence(actor=alice, presence="away")  # same value, now chosen
    assert _status(alice) == "Away"
    assert came_back(actor=alice) == AWAY


def test_zero_minutes_never_turns_anyone_away(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AW_AWAY_AFTER_MINUTES", "0")
    get_settings.cache_clear()
    make_channel()
    alice = make_user("alice")
    set_presence(actor=alice, presence="available")
    assert away_after_ms() == 0
    assert went_idle(actor=alice) == AVAILABLE


def test_only_agents_report_idleness() -> None:
    make_channel()
    root = make_user("root", roles=(Role.ADMIN,))
    with pytest.raises(AccessDenied):
        went_idle(actor=root)
    with pytest.raises(AccessDenied):
        came_back(actor=root)
