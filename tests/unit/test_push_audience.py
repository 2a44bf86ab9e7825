"""Who hears a push: the one access rule over the viewer's roles and the event's audience."""

from __future__ import annotations

import pytest

from agent_workspace.domain.access import Need
from agent_workspace.models import Role
from agent_workspace.services import events
from agent_workspace.services.access import Actor, may_hear

AGENT = Actor(1, "alice", "Alice", frozenset({Role.AGENT}))
SUPERVISOR = Actor(2, "sam", "Sam", frozenset({Role.AGENT, Role.SUPERVISOR}))
ADMIN = Actor(3, "ada", "Ada", frozenset({Role.ADMIN}))
LONE_SUPERVISOR = Actor(4, "sue", "Sue", frozenset({Role.SUPERVISOR}))


@pytest.mark.parametrize(
    ("actor", "audience", "hears"),
    [
        (AGENT, events.EVERY_AGENT, True),  # a conversation, the queue, the channel's numbers
        (SUPERVISOR, events.EVERY_AGENT, True),
        (ADMIN, events.EVERY_AGENT, False),  # no agent role
        (LONE_SUPERVISOR, events.EVERY_AGENT, False),
        (AGENT, events.SUPERVISORS, False),  # the board
        (SUPERVISOR, events.SUPERVISORS, True),
        (LONE_SUPERVISOR, events.SUPERVISORS, True),
        (AGENT, events.agents({1}), True),  # her own list, her notices
        (SUPERVISOR, events.agents({1}), False),  # someone else's list, even a supervisor
        (ADMIN, events.agents({3}), False),  # named, but no agent role
    ],
)
def test_who_hears_a_push(actor: Actor, audience: events.Audience, hears: bool) -> None:
    assert may_hear(actor, audience.need, audience.agents) is hears


def test_two_changes_in_one_round_are_heard_by_both_audiences() -> None:
    assert events.agents({1}) | events.agents({2}) == events.agents({1, 2})
    assert events.agents({1}) | events.EVERY_AGENT == events.EVERY_AGENT
    assert events.Audience(Need.VIEW).agents is None
