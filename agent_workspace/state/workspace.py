"""The list pane of the one-page workspace: scope, filters, search, sort, keyset pages, unread
counts, and noticing new messages (tab title, toast, optional sound and browser notification).

An agent's own list feed pushes the rows that changed and every tab showing My Interactions by
latest activity patches them in without a query; other lists (a search, another sort, the queue,
All Interactions) read the page they show with their own filters when their feed moves on.
"""

from __future__ import annotations

import json
from datetime import datetime

import reflex as rx
from reflex.event import EventSpec

from agent_workspace import reflex_internals
from agent_workspace.domain.inputs import is_row_id, search_problem
from agent_workspace.models import InteractionType, Role, utcnow
from agent_workspace.services import labels
from agent_workspace.services.access import Actor
from agent_workspace.services.accounts import preferences
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import availability, idle, inbox
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.sla.clocks import SlaPlan
from agent_workspace.state.client_input import choice_refusal, refusal
from agent_workspace.state.live import (
    LISTS_LINK,
    AgentListFeed,
    ListChange,
    ListsFeed,
    RowItem,
    agent_token,
    patch_rows,
    row_item,
)
from agent_workspace.state.session import SessionState
from agent_workspace.state.sla import kept_plans, retold
from agent_workspace.state.views import Choice, type_label

SCOPES = [
    Choice(inbox.Scope.MINE.value, "My Interactions"),
    Choice(inbox.Scope.VIRTUAL_AGENT.value, "Virtual agent"),
    Choice(inbox.Scope.UNASSIGNED.value, "Unassigned"),
]
ALL_SCOPE = Choice(inbox.Scope.ALL.value, "All Interactions")
TOAST_WITH_ACTION_MS = 15_000
STATES = [Choice("open", "Open"), Choice("closed", "Closed"), Choice("any", "Open and closed")]
ANY_TYPE = "any"
TYPES = [Choice(ANY_TYPE, "Any type")] + [
    Choice(t.value, type_label(t.value)) for t in InteractionType
]
SORTS = [
    Choice(inbox.Sort.RECENT.value, "Latest activity"),
    Choice(inbox.Sort.WAITING.value, "Waiting longest"),
    Choice(inbox.Sort.NEWEST.value, "Newest first"),
]
ANY_LABEL = "any"
APP_TITLE = "Agent Workspace"
FEEDS = ("agent", "lists")  # the list feeds whose versions the page reports
SHOWN_ROWS = 1_000  # rows a tab keeps (Show more stops there): its memory, and every push


class WorkspaceState(SessionState):
    """One tab's list: what it filters on and the rows it shows."""

    scope: str = inbox.Scope.MINE.value
    state_filter: str = inbox.StateFilter.OPEN.value
    type_filter: str = ANY_TYPE
    label_filter: str = ANY_LABEL  # a label's id, as the select sends it
    label_options: list[Choice] = [Choice(ANY_LABEL, "Any label")]
    search: str = ""
    sort: str = inbox.Sort.RECENT.value
    rows: list[RowItem] = []
    has_more: bool = False
    list_error: str = ""
    unread_total: int = 0
    selected_id: int = 0
    notify_sound: bool = False
    notify_desktop: bool = False
    _cursor: str = ""  # the next page's keyset cursor, as JSON
    _known_unread: dict[int, int] = {}  # what the toasts already told about
    _versions: dict[str, int] = {}  # the feed versions this tab's rows reflect
    _listed_for: int = 0  # whose list the tab read last (another may sign in on the tab)
    _plans: dict[int, SlaPlan] = {}  # the rows' nearest SLA clocks, said again on the timer
    sla_ticking: bool = False  # some row shows a clock: the page runs the timer

    @rx.var
    def scope_options(self) -> list[Choice]:
        return [*SCOPES, ALL_SCOPE] if self.is_supervisor else list(SCOPES)

    @rx.var
    def list_title(self) -> str:
        return next((c.label for c in [*SCOPES, ALL_SCOPE] if c.value == self.scope), "")

    @rx.event
    async def load(self) -> list[EventSpec] | None:
        """on_load of the workspace: link this tab's list feeds, read the list, and remember
        which interaction the URL opens (the conversation pane loads it)."""
        if (actor := await self._actor_as(Role.AGENT, show="list_error")) is None:
            self.rows = []
            return None
        selected = self._interaction_in_url() or 0
        self.selected_id = selected if is_row_id(selected) else 0
        agent_feed = await self._link_feed(AgentListFeed, agent_token(actor.user_id), actor)
        # A tab that has read its list before announces what grew since (a text that landed
        # while it navigated); a first read announces nothing, the list shows it.
        read_before = self._listed_for == actor.user_id and self._versions.get("agent", -1) >= 0
        self._listed_for = actor.user_id
        # The page read below covers every change so far: later pushes patch it.
        self._versions = {**self._versions, "agent": agent_feed.version}
        await self._follow_scope(actor)
        prefs = await self._off_loop(preferences.notification_choices, actor=actor)
        self.notify_sound, self.notify_desktop = prefs.sound, prefs.desktop
        self.presence = (await self._off_loop(availability.my_presence, actor=actor)).value
        self.away_after_ms = idle.away_after_ms()
        found = await self._off_loop(labels.list_labels, actor=actor)
        self.label_options = [Choice(ANY_LABEL, "Any label")] + [
            Choice(str(x.id), x.name) for x in found
        ]
        if self.label_filter not in {c.value for c in self.label_options}:
            self.label_filter = ANY_LABEL  # deleted since
        return await self._read_list(actor, announce=read_before)

    @rx.event
    async def feed_changed(self, feed: str, version: int) -> list[EventSpec] | None:
        """A list feed moved on (a hidden element remounts with its version): patch the rows
        it pushed into the page, or read the page again when they cannot say enough."""
        if problem := choice_refusal(self, Role.AGENT, feed, FEEDS, what="a list feed"):
            self.list_error = problem
            return None
        if type(version) is not int:
            return None  # the page sends a feed's version: nothing else is one
        before = self._versions.get(feed, -1)  # -1: this tab never read the list
        if before == version:
            return None
        self._versions = {**self._versions, feed: version}
        if feed == "agent" and self._patchable():
            agent_feed = await self.get_state(AgentListFeed)
            if before >= 0 and (changes := agent_feed._since(before)) is not None:
                return self._patch(changes)
        return await self._read_list(announce=True)

    @rx.event
    def tick_sla(self, _shown: str = "") -> None:
        """The browser's timer: the rows' SLA clocks said again (state/sla.py), no read."""
        if refusal(self, Role.AGENT) or not self._plans:
            return
        if (fresh := retold(self.rows, self._plans, utcnow())) is not None:
            self.rows = fresh

    def _keep_plans(self, plans: dict[int, SlaPlan]) -> None:
        if plans or self._plans:
            self._plans = plans
        if self.sla_ticking != bool(plans):
            self.sla_ticking = bool(plans)

    def _patchable(self) -> bool:
        """Only My Interactions by latest activity without a search is decided row by row;
        a search's matches and the other sorts' keys are the server's to say."""
        return (
            self.scope == inbox.Scope.MINE.value
            and not self.search.strip()
            and self.sort == inbox.Sort.RECENT.value
            and self.label_filter == ANY_LABEL  # which rows carry it: the server's to say
        )

    def _belongs(self, row: RowItem) -> bool:
        if self.state_filter == inbox.StateFilter.OPEN.value and not row.active:
            return False
        if self.state_filter == inbox.StateFilter.CLOSED.value and row.active:
            return False
        return self.type_filter in (ANY_TYPE, row.type)

    def _patch(self, changes: list[ListChange]) -> list[EventSpec]:
        rows = list(self.rows)
        latest: dict[int, InteractionRow] = {}
        for change in changes:
            assert change.rows is not None
            rows = patch_rows(
                rows,
                [row_item(r) for r in change.rows],
                change.gone,
                belongs=self._belongs,
                has_more=self.has_more,
            )
            latest.update((r.id, r) for r in change.rows)
        self.rows = rows
        self._keep_plans(kept_plans(self._plans, latest.values(), rows))
        self.unread_total = changes[-1].unread_total
        events: list[EventSpec] = [rx.call_script(_title_script(self.unread_total))]
        shown = {r.id for r in rows}
        events += self._announce(tuple(r for r in latest.values() if r.id in shown))
        known = {**self._known_unread, **{i: r.unread for i, r in latest.items()}}
        self._known_unread = {i: n for i, n in known.items() if i in shown}  # bounded: the rows
        return events

    @rx.event
    async def set_scope(self, value: str) -> list[EventSpec] | None:
        return await self._choose("scope", value, self.scope_options, "a list")

    @rx.event
    async def set_state_filter(self, value: str) -> list[EventSpec] | None:
        return await self._choose("state_filter", value, STATES, "open or closed")

    @rx.event
    async def set_type_filter(self, value: str) -> list[EventSpec] | None:
        return await self._choose("type_filter", value, TYPES, "a type")

    @rx.event
    async def set_label_filter(self, value: str) -> list[EventSpec] | None:
        return await self._choose("label_filter", value, self.label_options, "a label")

    @rx.event
    async def set_sort(self, value: str) -> list[EventSpec] | None:
        return await self._choose("sort", value, SORTS, "an order")

    async def _choose(
        self, field: str, value: object, options: list[Choice], what: str
    ) -> list[EventSpec] | None:
        """The list, a filter or the order, to one of the values the page offers."""
        if problem := choice_refusal(
            self, Role.AGENT, value, [c.value for c in options], what=what
        ):
            self.list_error = problem
            return None
        setattr(self, field, value)
        if field == "scope":
            await self._follow_scope()
        return await self._read_list(announce=False)

    @rx.event
    async def set_search(self, value: str) -> list[EventSpec] | None:
        if problem := refusal(self, Role.AGENT) or search_problem(value):
            self.list_error = problem  # the list shown stays that of the last search
            return None
        self.search = value
        return await self._read_list(announce=False)

    @rx.event
    async def load_more(self) -> None:
        """The next page, after the last row shown (keyset: no row twice, none skipped), up
        to SHOWN_ROWS rows."""
        if not self._cursor or len(self.rows) >= SHOWN_ROWS:
            return
        page = await self._serve(
            Role.AGENT, inbox.inbox, show="list_error", query=self._query(self._cursor_value())
        )
        if isinstance(page, ServiceError):
            return
        self.rows = [*self.rows, *[row_item(r) for r in page.rows]][:SHOWN_ROWS]
        self._keep_plans(kept_plans(self._plans, page.rows, self.rows))
        self._remember_cursor(page.next)
        if self.has_more and len(self.rows) >= SHOWN_ROWS:
            self.has_more = False
            self.list_error = (
                f"The list shows {SHOWN_ROWS:,} interactions at most: search or filter to find "
                "the others."
            )

    @rx.event
    async def set_notify_sound(self, value: bool) -> None:
        await self._save_notifications(sound=value, desktop=self.notify_desktop)

    @rx.event
    async def set_notify_desktop(self, value: bool) -> EventSpec | None:
        saved = await self._save_notifications(sound=self.notify_sound, desktop=value)
        return (
            rx.call_script("window.awAskNotifications && window.awAskNotifications()")
            if saved and value
            else None
        )

    async def _save_notifications(self, *, sound: object, desktop: object) -> bool:
        if type(sound) is not bool or type(desktop) is not bool:
            self.list_error = "A notification is switched on or off."
            return False
        saved = await self._serve(
            Role.AGENT,
            preferences.set_notification_choices,
            show="list_error",
            sound=sound,
            desktop=desktop,
        )
        if isinstance(saved, ServiceError):
            return False
        self.notify_sound, self.notify_desktop = saved.sound, saved.desktop
        return True

    async def _follow_scope(self, actor: Actor | None = None) -> None:
        """Lists beyond one's own change with everyone's work: follow that feed only then."""
        following = reflex_internals.is_linked(self, ListsFeed)
        if self.scope != inbox.Scope.MINE.value and not following:
            await self._link_feed(ListsFeed, LISTS_LINK, actor)
        elif self.scope == inbox.Scope.MINE.value and following:
            await reflex_internals.unlink(await self.get_state(ListsFeed))

    def _query(self, after: inbox.Cursor | None = None) -> inbox.ListQuery:
        return inbox.ListQuery(
            scope=inbox.Scope(self.scope),
            state=inbox.StateFilter(self.state_filter),
            type=InteractionType(self.type_filter) if self.type_filter != ANY_TYPE else None,
            search=self.search.strip(),
            sort=inbox.Sort(self.sort),
            after=after,
            label_id=int(self.label_filter) if self.label_filter != ANY_LABEL else None,
        )

    async def _read_list(
        self, who: Role | Actor = Role.AGENT, *, announce: bool
    ) -> list[EventSpec] | None:
        read = await self._serve(who, _page_and_unread, show="list_error", query=self._query())
        if isinstance(read, ServiceError):
            return None
        page, total = read
        self.list_error = ""
        self.rows = [row_item(r) for r in page.rows]
        self._keep_plans(kept_plans({}, page.rows, self.rows))
        self._remember_cursor(page.next)
        self.unread_total = total
        events: list[EventSpec] = [rx.call_script(_title_script(total))]
        if announce:
            events += self._announce(page.rows)
        self._known_unread = {r.id: r.unread for r in page.rows}
        return events

    def _announce(self, rows: tuple[InteractionRow, ...]) -> list[EventSpec]:
        """A toast (and the sound / notification the agent chose) for each interaction not in
        view that has more unread messages than the list showed before."""
        events: list[EventSpec] = []
        for row in rows:
            grew = row.unread > self._known_unread.get(row.id, 0)
            if not grew or row.id == self.selected_id or not row.last_message_inbound:
                continue
            who = row.person_name or row.phone or row.number
            text = f"{who}: {row.preview}" if row.preview else f"New message from {who}"
            events.append(
                rx.toast.info(
                    text,
                    action={"label": "Open", "on_click": rx.redirect(f"/interactions/{row.id}")},
                    # It offers an action: long enough to read and reach it (Sonner's 4 s
                    # default went before an agent busy typing got to it); hovering holds it.
                    duration=TOAST_WITH_ACTION_MS,
                )
            )
            if self.notify_sound or self.notify_desktop:
                events.append(
                    rx.call_script(
                        _alert_script(
                            text, row.id, sound=self.notify_sound, desktop=self.notify_desktop
                        )
                    )
                )
        return events[:6]

    def _remember_cursor(self, cursor: inbox.Cursor | None) -> None:
        self.has_more = cursor is not None
        self._cursor = (
            json.dumps({"key": cursor.key.isoformat() if cursor.key else None, "id": cursor.id})
            if cursor
            else ""
        )

    def _cursor_value(self) -> inbox.Cursor | None:
        if not self._cursor:
            return None
        data = json.loads(self._cursor)
        key = datetime.fromisoformat(data["key"]) if data["key"] else None
        return inbox.Cursor(key=key, id=int(data["id"]))


def _page_and_unread(*, actor: Actor, query: inbox.ListQuery) -> tuple[inbox.InboxPage, int]:
    """The list's page and the unread total, in one trip off the loop."""
    return inbox.inbox(actor=actor, query=query), inbox.unread_total(actor=actor)


def _title_script(unread: int) -> str:
    title = f"({unread}) {APP_TITLE}" if unread else APP_TITLE
    return f"document.title = {json.dumps(title)}"


def _alert_script(text: str, interaction_id: int, *, sound: bool, desktop: bool) -> str:
    args = json.dumps({"text": text, "id": interaction_id, "sound": sound, "desktop": desktop})
    return f"window.awAlert && window.awAlert({args})"
