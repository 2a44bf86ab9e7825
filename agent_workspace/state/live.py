"""The live feeds: shared states that services' events fill, so pages update with no reload.

Each open interaction page shows the feed `ix<id>` (state/conversation_feed.py), each My
Interactions page `agent<id>`: an update goes only to those who show the thing. Each signed-in
session links its tabs to a copy of its own under a name only the server can make
(services/accounts/live_views.py). Who may hear a change rides on its event, decided by the
service that committed it (services/events.py `Audience`); the notifier (web/notifier.py)
pushes to the sessions the access rule lets hear it, reading only who shows a feed and what
the feed holds, and writing nothing.

A new live pane is one feed row plus one component:

1. The row: a `Pane` in PANES below, with the shared state it fills (an `rx.SharedState`
   whose `_show(value)` sets its vars), the read that gives the value (called off the loop by
   the notifier with the pane's key), and whether it is keyed by an agent (one copy per agent,
   like notices) or one for everybody (like the channel's numbers).
2. The component: shows the state's vars and links the tab on mount with
   `SessionState.follow_pane("<name>")`, which checks the role, links the session's copy and
   shows the current value.

The service that changes what the pane shows publishes its event after commit: a class in
services/events.py with `pane`, `key` and `audience`, one of `PaneChanged` (as NoticeCreated
is). The notifier then reads the pane and pushes it to the sessions of the audience that show
it, with no code of its own for it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import reflex as rx

from agent_workspace.domain.availability import Presence
from agent_workspace.domain.phone import display_phone
from agent_workspace.models import utcnow
from agent_workspace.services.channels.numbers import SendingSetup, load_sending
from agent_workspace.services.interactions.availability import load_presence
from agent_workspace.services.interactions.inbox import RowChanges
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.interactions.notices import NoticeView, load_unread
from agent_workspace.services.interactions.overview import Overview
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.views import (
    Choice,
    NoticeItem,
    OverviewItem,
    iso,
    notice_item,
    overview_item,
    type_label,
)

CONVERSATION, AGENT_LIST, NOTICES = "ix", "agent", "notices"  # + the id: a feed's name
PRESENCE = "presence"  # + the agent's id
LISTS_LINK, BOARD_LINK, CHANNEL_LINK = "lists", "board", "channel"


def conversation_token(interaction_id: int) -> str:
    return f"{CONVERSATION}{interaction_id}"


def agent_token(agent_id: int) -> str:
    return f"{AGENT_LIST}{agent_id}"


def notices_token(agent_id: int) -> str:
    return f"{NOTICES}{agent_id}"


@dataclasses.dataclass
class LabelItem:
    """A label's badge: on a list row, in a conversation's header."""

    id: int
    name: str
    colour: str  # a Radix colour name (domain/labels.py PALETTE)


@dataclasses.dataclass
class RowItem:
    """A row of the interaction list."""

    id: int
    number: str
    type: str
    state: str
    person_name: str
    phone: str
    assigned_to: str
    preview: str
    last_at: str  # ISO 8601 UTC of the last message ("" if none)
    awaiting: bool  # the consumer wrote last and waits for an answer
    unread: int
    virtual_agent: bool
    active: bool
    updated: str = ""  # ISO 8601 UTC of updated_at: the "Latest activity" sort key
    kind: str = ""  # the type in words (TYPE_LABELS)
    about: str = ""  # the short description, shown while there is no message
    failed: bool = False  # our latest text failed: Retry is on its bubble
    scheduled: bool = False  # a message waits to go later
    labels: list[LabelItem] = dataclasses.field(default_factory=list)
    sla_text: str = ""  # its nearest SLA clock: "First response 12m left" ("" when none runs)
    sla_status: str = ""  # "ok", "amber" or "red" (the words say it too)


def row_item(row: InteractionRow) -> RowItem:
    sla_text, sla_status = row.sla.shown(utcnow()) if row.sla else ("", "")
    return RowItem(
        id=row.id,
        number=row.number,
        type=row.type,
        state=row.state.replace("_", " "),
        person_name=row.person_name or display_phone(row.phone) or "Unknown",
        phone=display_phone(row.phone) if row.phone else "",
        assigned_to=row.assigned_to,
        preview=row.preview,
        last_at=iso(row.last_message_at or row.updated_at),
        awaiting=row.is_active and row.awaiting_reply_since is not None,
        unread=row.unread,
        virtual_agent=row.virtual_agent,
        active=row.is_active,
        updated=iso(row.updated_at),
        kind=type_label(row.type),
        about=row.short_description,
        failed=row.last_outbound_failed,
        scheduled=row.scheduled,
        labels=[LabelItem(x.id, x.name, x.colour) for x in row.labels],
        sla_text=sla_text,
        sla_status=sla_status,
    )


def patch_rows(
    rows: list[RowItem],
    changed: list[RowItem],
    gone: frozenset[int],
    *,
    belongs: Callable[[RowItem], bool],
    has_more: bool,
) -> list[RowItem]:
    """A list sorted by latest activity after some rows changed: a changed row that still
    belongs takes its place by (updated, id), newest first, unless it falls past the last row
    shown while more pages exist (it is on a later page); the others leave."""
    leaving = gone | {r.id for r in changed}
    kept = [r for r in rows if r.id not in leaving]
    last = (rows[-1].updated, rows[-1].id) if rows else None
    for row in changed:
        key = (row.updated, row.id)
        if not belongs(row) or (has_more and last is not None and key < last):
            continue
        at = next((i for i, r in enumerate(kept) if (r.updated, r.id) < key), len(kept))
        kept.insert(at, row)
    return kept


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

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    version: int = 0
    _changes: list[ListChange] = []  # the latest few, oldest first

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


class ListsFeed(rx.SharedState):
    """The same for the lists beyond one's own (the virtual-agent queue, unassigned, All
    Interactions): linked only by tabs showing one of them."""

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    version: int = 0

    def _show(self, _changed: object = None) -> None:
        self.version += 1


class SupervisorBoardFeed(rx.SharedState):
    """The board's overview, the same for every supervisor, and a version that moves with
    each change on the floor: each tab reads its own page of the table again (its filters and
    page are its own, state/supervisor.py), the figures come with the push."""

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    version: int = 0
    overview: OverviewItem = OverviewItem()

    def _show(self, overview: Overview) -> None:
        self.overview = overview_item(overview)
        self.version += 1


class NoticeFeed(rx.SharedState):
    """One agent's unread notices (someone closed, took over or reassigned their work)."""

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    items: list[NoticeItem] = []

    def _show(self, notices: list[NoticeView]) -> None:
        self.items = [notice_item(n) for n in notices]


class PresenceFeed(rx.SharedState):
    """One agent's chosen status, for the Status select in each of their tabs: a change in
    one tab, or Away after idle, shows in the others with no reload."""

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    presence: str = ""  # "" until the tab follows it

    def _show(self, presence: Presence | None) -> None:
        if presence is not None:
            self.presence = presence.value


class ChannelFeed(rx.SharedState):
    """The SMS channel's sending numbers, live in every open composer: an admin adding or
    removing one pushes the new From options (value E.164, label "Support line (+1
    415-555-0100)"). A composer that still holds a number removed meanwhile is refused by
    Send, saying so."""

    _ended: bool = False  # its session ended and it was emptied: never pushed to again

    numbers: list[Choice] = []
    via_service: bool = False  # through a Messaging Service: Twilio picks the From
    key: str = ""  # the numbers (and the service) in one string: composers follow its changes

    def _show(self, setup: SendingSetup) -> None:
        self.numbers = [Choice(n.e164, n.shown) for n in setup.numbers]
        self.via_service = setup.via_service
        self.key = "|".join(
            (
                *(f"{n.e164}={n.shown}" for n in setup.numbers),
                "service" if setup.via_service else "",
            )
        )


@dataclasses.dataclass(frozen=True)
class Pane:
    """A live pane the notifier fills with no code of its own (see the module's docstring)."""

    name: str
    feed: type[rx.SharedState]
    read: Callable[..., Any]  # (key) for a pane keyed by agent, else (): what it shows now
    by_agent: bool

    def token(self, key: int | None) -> str:
        """The feed's name: the pane's, and the agent's id when it is keyed by agent."""
        return f"{self.name}{key}" if self.by_agent else self.name

    def value(self, key: int | None) -> Any:
        return self.read(key) if self.by_agent else self.read()


PANES: dict[str, Pane] = {
    p.name: p
    for p in (
        Pane(NOTICES, NoticeFeed, load_unread, by_agent=True),
        Pane(PRESENCE, PresenceFeed, load_presence, by_agent=True),
        Pane(CHANNEL_LINK, ChannelFeed, load_sending, by_agent=False),
    )
}
FEEDS: tuple[type[rx.SharedState], ...] = (
    ConversationFeed,
    AgentListFeed,
    ListsFeed,
    SupervisorBoardFeed,
    *(p.feed for p in PANES.values()),
)
# A feed's name says which feed it is: a prefix and an id, or a fixed name.
_BY_PREFIX: tuple[tuple[str, type[rx.SharedState]], ...] = (
    (CONVERSATION, ConversationFeed),
    (AGENT_LIST, AgentListFeed),
    *((p.name, p.feed) for p in PANES.values() if p.by_agent),
)
_BY_NAME: dict[str, type[rx.SharedState]] = {
    LISTS_LINK: ListsFeed,
    BOARD_LINK: SupervisorBoardFeed,
    **{p.name: p.feed for p in PANES.values() if not p.by_agent},
}


def feed_class(feed: str) -> type[rx.SharedState] | None:
    """The shared state a feed's copies are, from the feed's name (None: no such feed)."""
    if feed in _BY_NAME:
        return _BY_NAME[feed]
    for prefix, cls in _BY_PREFIX:
        if feed.startswith(prefix) and feed[len(prefix) :].isdigit():
            return cls
    return None
