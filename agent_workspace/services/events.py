"""Events that services publish only after their transaction commits.

Subscribers (the live-update notifier, the outbox wake-up) run in the committing thread and
must hand work off quickly; a rolled-back transaction publishes nothing.

An event a page shows carries its audience, decided by the service that committed: who may
hear it under the access rule (services/access.py `may_hear`), and which agents when it is
theirs alone. The notifier delivers to that audience and decides nothing of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sqlalchemy import event
from sqlmodel import Session

from agent_workspace.domain.access import Need

_PENDING = "aw_pending_events"


@dataclass(frozen=True)
class Audience:
    """Who may hear a change: every signed-in user the access rule lets `need` it, and when
    `agents` names some, only those agents (a change to their own list or notices)."""

    need: Need = Need.VIEW
    agents: frozenset[int] | None = None

    def __or__(self, other: Audience) -> Audience:
        """Both audiences, for two changes pushed in one round (the same need)."""
        if self.agents is None or other.agents is None:
            return Audience(self.need)
        return Audience(self.need, self.agents | other.agents)


EVERY_AGENT = Audience(Need.VIEW)
SUPERVISORS = Audience(Need.SUPERVISE)


def agents(ids: Iterable[int]) -> Audience:
    """The agents named, each with the agent role."""
    return Audience(Need.VIEW, frozenset(ids))


@dataclass(frozen=True)
class InteractionChanged:
    """An interaction (its messages, state or live group) changed; `agent_ids` lists whose
    My Interactions lists show it."""

    interaction_id: int
    agent_ids: frozenset[int] = field(default_factory=frozenset)
    # Only its messages changed (one came in, a status moved, a note): the conversation's
    # viewers need the latest messages, not a re-read of the header, people and opt-outs.
    messages_only: bool = False
    # Who may view its conversation (and the lists beyond one's own), and the board.
    viewers: Audience = EVERY_AGENT
    board: Audience = SUPERVISORS

    @property
    def listed(self) -> Audience:
        """Who hears the rows of their own lists: the agents whose lists show it."""
        return agents(self.agent_ids)


@dataclass(frozen=True)
class OutboxChanged:
    """Messages are waiting to be sent."""


@dataclass(frozen=True)
class _ForAgent:
    """An event of one agent's own pane: only their tabs hear it."""

    agent_id: int

    @property
    def key(self) -> int:
        return self.agent_id

    @property
    def audience(self) -> Audience:
        return agents({self.agent_id})


@dataclass(frozen=True)
class NoticeCreated(_ForAgent):
    """An agent has a new notice (someone closed, took over, reassigned or transferred work)."""

    pane: ClassVar[str] = "notices"  # the live pane that shows it (state/live.py PANES)


@dataclass(frozen=True)
class ListsChanged:
    """Only some agents' lists changed (e.g. what they have read): nothing else to refresh.
    `interaction_ids` names the rows that changed; empty means their lists must be re-read."""

    agent_ids: frozenset[int]
    interaction_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def audience(self) -> Audience:
        return agents(self.agent_ids)


@dataclass(frozen=True)
class ChannelChanged:
    """The SMS channel's provider numbers or policy changed: open composers follow."""

    pane: ClassVar[str] = "channel"
    key: ClassVar[int | None] = None  # one channel: the pane has no key
    audience: ClassVar[Audience] = EVERY_AGENT


@dataclass(frozen=True)
class TeamChanged:
    """An agent's availability changed (they chose another, or signed in or out): the
    supervisors' boards read the agents table again."""

    audience: ClassVar[Audience] = SUPERVISORS


@dataclass(frozen=True)
class PresenceChanged(_ForAgent):
    """An agent's chosen status changed (in one of their tabs, or Away after idle): the
    Status select in each of their own tabs follows."""

    pane: ClassVar[str] = "presence"  # the live pane that shows it (state/live.py PANES)


@dataclass(frozen=True)
class SessionsEnded:
    """Sign-ins ended (signed out, revoked): the copies of live feeds they showed are emptied
    (web/notifier.py), so nothing of them stays kept for a session nobody may use."""


@dataclass(frozen=True)
class InboundAccepted:
    """An inbound webhook was accepted and waits to be routed (services/inbound): the router
    routes this phone's rows without looking for others."""

    channel_id: int
    phone: str


# What one live pane shows changed (state/live.py PANES): its `pane`, `key` and `audience` are
# all the notifier needs, so a new pane's event is a class here with those three, added below.
PaneChanged = NoticeCreated | ChannelChanged | PresenceChanged
Event = (
    InteractionChanged
    | OutboxChanged
    | NoticeCreated
    | ListsChanged
    | ChannelChanged
    | SessionsEnded
    | InboundAccepted
    | TeamChanged
    | PresenceChanged
)
Subscriber = Callable[[Event], None]
_subscribers: list[Subscriber] = []


def subscribe(subscriber: Subscriber) -> Callable[[], None]:
    """Registers a subscriber; returns a function that removes it."""
    _subscribers.append(subscriber)
    return lambda: _subscribers.remove(subscriber) if subscriber in _subscribers else None


def after_commit(session: Session, published: Event) -> None:
    """Queues `published` until the session's transaction commits."""
    session.info.setdefault(_PENDING, []).append(published)


def publish(published: Event) -> None:
    for subscriber in list(_subscribers):
        subscriber(published)


@event.listens_for(Session, "after_commit")
def _flush_events(session: Any) -> None:
    pending = session.info.pop(_PENDING, [])
    for published in dict.fromkeys(pending):  # de-duplicate, keep order
        publish(published)


@event.listens_for(Session, "after_rollback")
def _drop_events(session: Any) -> None:
    session.info.pop(_PENDING, None)
