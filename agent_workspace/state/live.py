"""Shared states that webhooks and other agents' sends push into, so pages update with no reload.

Each open interaction page shows the feed `ix<id>`, each My Interactions page `agent<id>`: an
update goes only to those who show the thing. Each signed-in session links its tabs to a copy
of its own under a name only the server can make (services/accounts/live_views.py); each feed
says who may view it, so the notifier skips sessions whose user may not see it.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterable

import reflex as rx

from agent_workspace.domain.phone import display_phone
from agent_workspace.models import Role
from agent_workspace.services.access import Actor
from agent_workspace.services.conversation.conversation import ConversationView, LatestMessages
from agent_workspace.services.conversation.messages import TAIL, MessageView
from agent_workspace.services.interactions.inbox import RowChanges
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.interactions.notices import NoticeView
from agent_workspace.services.interactions.supervision import BOARD_LIMIT, Board, BoardChanges
from agent_workspace.state import live_tail
from agent_workspace.state.channel_feed import CHANNEL_LINK, ChannelFeed
from agent_workspace.state.live_tail import LiveTail
from agent_workspace.state.views import (
    AgentLoadItem,
    BoardItem,
    InteractionHeader,
    MessageItem,
    NoticeItem,
    agent_load_item,
    board_item,
    header,
    message_item,
    notice_item,
    patch_board,
)

CONVERSATION, AGENT_LIST, NOTICES = "ix", "agent", "notices"  # + the id: a feed's name


def conversation_token(interaction_id: int) -> str:
    return f"{CONVERSATION}{interaction_id}"


def agent_token(agent_id: int) -> str:
    return f"{AGENT_LIST}{agent_id}"


def notices_token(agent_id: int) -> str:
    return f"{NOTICES}{agent_id}"


class ConversationFeed(rx.SharedState):
    """One interaction's header, latest messages and opt-outs, as every viewer sees them."""

    info: InteractionHeader = InteractionHeader()
    # The latest few (pushes stay small however long the talk) as two lists: a new message
    # changes `fresh` alone, so the push carries it and not the messages already shown.
    tail: list[MessageItem] = []
    fresh: list[MessageItem] = []
    total: int = 0
    first_tail_seq: int = 1
    opted_out_from: list[str] = []
    earlier: list[MessageItem] = []  # the closed interaction this one took over from
    routing: str = ""  # what Send's decision depends on here: state, people, opt-outs
    details: str = ""  # what the Details form shows: it re-reads when this changes
    _person: str = ""  # as the last whole view named them, for the messages pushed alone
    _labels: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def _may_view(actor: Actor, ident: str) -> bool:
        return actor.has(Role.AGENT)

    def _show(self, view: ConversationView) -> None:
        labels = dict(view.labels)
        name = view.interaction.person_name
        self._person, self._labels = name, view.labels
        same = self.info.id == view.interaction.id
        self.info = header(view)
        self._show_messages(_items(view.tail, name, view.labels), view.total, same)
        self.opted_out_from = [
            f"{labels[n]} ({display_phone(n)})" if labels.get(n) else display_phone(n)
            for n in view.opted_out_from
        ]
        self.earlier = _items(view.earlier, view.earlier_person, view.labels)
        info = self.info
        self.routing = "|".join(
            (info.state, info.assigned_to, info.members, *sorted(view.opted_out_from))
        )
        self.details = (
            "|".join((info.state, info.assigned_to, info.person_name, info.short_description))
            + f"|{view.case_id or ''}|{info.account}"
        )

    def _show_latest(self, latest: LatestMessages) -> bool:
        """Only the messages changed: the rest stays as the last whole view left it. False
        when this copy holds no whole view of the interaction yet (it needs one)."""
        if self.info.id != latest.interaction_id:
            return False
        self._show_messages(_items(latest.tail, self._person, self._labels), latest.total, True)
        return True

    def _show_messages(self, latest: list[MessageItem], total: int, same: bool) -> None:
        """Assigns only the list that changed: an assigned var is pushed whole."""
        shown = LiveTail(_unproxied(self.tail), _unproxied(self.fresh))
        moved = live_tail.advance(shown, latest, TAIL) if same else LiveTail(latest, [])
        if moved.base is not shown.base:
            self.tail = moved.base
            self.first_tail_seq = moved.base[0].seq if moved.base else total + 1
        if moved.fresh is not shown.fresh:
            self.fresh = moved.fresh
        self.total = total


def _items(
    messages: Iterable[MessageView], person: str, labels: tuple[tuple[str, str], ...]
) -> list[MessageItem]:
    """Built once per message version, not once per viewer: every session's copy of a feed
    gets the same push, and fifty copies had built the same twenty items fifty times."""
    return [_item(m, person, labels) for m in messages]


@functools.lru_cache(maxsize=1024)
def _item(m: MessageView, person: str, labels: tuple[tuple[str, str], ...]) -> MessageItem:
    return message_item(m, person, dict(labels))


def _unproxied(value: list[MessageItem]) -> list[MessageItem]:
    """The list itself: Reflex hands out a state's lists wrapped in a change-tracking proxy."""
    return getattr(value, "__wrapped__", value)


@dataclasses.dataclass(frozen=True)
class ListChange:
    """One push to an agent's list: the changed rows, or None when the tabs must re-read."""

    version: int
    rows: tuple[InteractionRow, ...] | None
    gone: frozenset[int] = frozenset()
    unread_total: int = 0


KEPT_CHANGES = 20


class AgentListFeed(rx.SharedState):
    """One agent's list changes, for every tab of that agent: a push carries the changed rows
    (in a backend var, so the browser gets only the version) and each tab patches what it
    shows; a tab that cannot (a search, another sort, a gap) reads its page instead."""

    version: int = 0
    _changes: list[ListChange] = []  # the latest few, oldest first

    @staticmethod
    def _may_view(actor: Actor, ident: str) -> bool:
        return actor.has(Role.AGENT) and ident == agent_token(actor.user_id)

    def _show(self, changed: RowChanges | None = None) -> None:
        self.version += 1
        change = (
            ListChange(self.version, changed.rows, changed.gone, changed.unread_total)
            if changed is not None
            else ListChange(self.version, None)
        )
        self._changes = [*self._changes[-(KEPT_CHANGES - 1) :], change]

    def _since(self, version: int) -> list[ListChange] | None:
        """The changes after `version`, or None when some are no longer kept or say re-read."""
        pending = [c for c in self._changes if c.version > version]
        if not pending or pending[0].version != version + 1:
            return None
        if any(c.rows is None for c in pending):
            return None
        return pending


LISTS_LINK = "lists"


class ListsFeed(rx.SharedState):
    """The same for the lists beyond one's own (the virtual-agent queue, unassigned, All
    Interactions): linked only by tabs showing one of them."""

    version: int = 0

    @staticmethod
    def _may_view(actor: Actor, ident: str) -> bool:
        return actor.has(Role.AGENT)

    def _show(self, _changed: object = None) -> None:
        self.version += 1


BOARD_LINK = "board"


class SupervisorBoardFeed(rx.SharedState):
    """Every active interaction and its live group, for every supervisor's open board."""

    items: list[BoardItem] = []
    agents: list[AgentLoadItem] = []  # every active agent and their active interactions

    @staticmethod
    def _may_view(actor: Actor, ident: str) -> bool:
        return actor.has(Role.SUPERVISOR)

    def _show(self, board: Board | BoardChanges) -> None:
        if isinstance(board, Board):
            self.items = [board_item(r) for r in board.rows]
        else:
            fresh = [board_item(r) for r in board.rows]
            self.items = patch_board(self.items, fresh, board.gone, BOARD_LIMIT)
        self.agents = [agent_load_item(a) for a in board.agents]


class NoticeFeed(rx.SharedState):
    """One agent's unread notices (someone closed, took over or reassigned their work)."""

    items: list[NoticeItem] = []

    @staticmethod
    def _may_view(actor: Actor, ident: str) -> bool:
        return actor.has(Role.AGENT) and ident == notices_token(actor.user_id)

    def _show(self, notices: list[NoticeView]) -> None:
        self.items = [notice_item(n) for n in notices]


FEEDS: tuple[type[rx.SharedState], ...] = (
    ConversationFeed,
    AgentListFeed,
    ListsFeed,
    SupervisorBoardFeed,
    NoticeFeed,
    ChannelFeed,
)
# A feed's name says which feed it is: a prefix and an id, or a fixed name.
_BY_PREFIX: tuple[tuple[str, type[rx.SharedState]], ...] = (
    (CONVERSATION, ConversationFeed),
    (AGENT_LIST, AgentListFeed),
    (NOTICES, NoticeFeed),
)
_BY_NAME: dict[str, type[rx.SharedState]] = {
    LISTS_LINK: ListsFeed,
    BOARD_LINK: SupervisorBoardFeed,
    CHANNEL_LINK: ChannelFeed,
}


def feed_class(feed: str) -> type[rx.SharedState] | None:
    """The shared state a feed's copies are, from the feed's name (None: no such feed)."""
    if feed in _BY_NAME:
        return _BY_NAME[feed]
    for prefix, cls in _BY_PREFIX:
        if feed.startswith(prefix) and feed[len(prefix) :].isdigit():
            return cls
    return None
