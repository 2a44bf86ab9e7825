"""The supervisor's board: the live overview from the shared feed, and this tab's page of
the table, filtered and paged on the server; join, leave, reassign, take over (confirmed) and
each interaction's live-group history.

The overview is the same for every supervisor and comes with the push (state/live.py
SupervisorBoardFeed). Filters and the page stay in this private state: when the feed's version
moves, the tab reads its page again. Every handler re-checks the supervisor role on the server.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import reflex as rx
from reflex.event import EventSpec

from agent_workspace.domain.board import PageSpan
from agent_workspace.domain.inputs import CHOICE_CHARS, is_row_id, search_problem, text_problem
from agent_workspace.domain.times import local_text
from agent_workspace.models import ACTIVE_STATES, InteractionState, Role
from agent_workspace.services.access import require_role
from agent_workspace.services.accounts import roles
from agent_workspace.services.errors import ServiceError
from agent_workspace.services.interactions import live_group, supervision
from agent_workspace.state.client_input import choice_refusal, refusal
from agent_workspace.state.live import BOARD_LINK, SupervisorBoardFeed
from agent_workspace.state.session import LOGIN_ROUTE, SessionState
from agent_workspace.state.views import BoardItem, Choice, board_item

ANY = ""
VIRTUAL_CHOICES = (ANY, "yes", "no")


@dataclasses.dataclass
class StayItem:
    agent: str
    joined: str
    join_reason: str
    left: str
    left_reason: str


def _reason(value: str | None) -> str:
    return (value or "").replace("_", " ")


class SupervisorState(SessionState):
    refusal: str = ""
    filter_agent: str = ANY  # an agent id, or ANY
    filter_state: str = ANY
    filter_virtual: str = ANY  # "yes", "no" or ANY
    filter_channel: str = ANY  # a channel id, or ANY
    filter_text: str = ""
    filter_error: str = ""
    agents: list[Choice] = []
    channels: list[Choice] = []
    # This tab's page of the table.
    items: list[BoardItem] = []
    page: int = 1
    page_text: str = ""  # "26-50 of 132"
    has_previous: bool = False
    has_next: bool = False
    _version: int = -1  # the feed's version this tab's page was read at
    # The dialogs: which interaction (0: closed), and for whom.
    reassign_id: int = 0
    reassign_number: str = ""
    reassign_to: str = ""
    reassign_error: str = ""
    takeover_id: int = 0
    takeover_number: str = ""
    history_number: str = ""
    history: list[StayItem] = []

    @rx.event
    async def load(self) -> EventSpec | None:
        actor = await self._actor()
        self._show_actor(actor)
        if actor is None:
            return rx.redirect(LOGIN_ROUTE)
        try:
            require_role(actor, Role.SUPERVISOR)
            # A viewer before the read: a change committed after the read is pushed to this
            # tab; linked after it, a change in between reached nobody and the row stayed off.
            feed = await self._link_feed(SupervisorBoardFeed, BOARD_LINK, actor)
            board = await self._off_loop(
                supervision.board, actor=actor, filters=self._filters(), page=self.page
            )
            agents = await self._off_loop(roles.list_agents, actor=actor)
        except ServiceError as refused:
            self.refusal = refused.message
            return None
        self.refusal = ""
        self.agents = [Choice(str(a.id), a.display_name) for a in agents]
        self.channels = [Choice(str(i), label) for i, label in board.channels]
        feed._show(board.overview)
        self._version = feed.version
        self._show_page(board.page.rows, board.page.span)
        return None

    @rx.event
    async def feed_changed(self, version: int) -> None:
        """The floor changed (a hidden element remounts with the feed's version): the
        overview came with the push; this tab reads its own page again."""
        if type(version) is not int or version == self._version:
            return  # the page sends the feed's version: nothing else is one
        self._version = version
        await self._read_page()

    @rx.event
    async def set_filter_agent(self, value: str) -> EventSpec | None:
        agents = [ANY, *(a.value for a in self.agents)]
        return await self._filter("filter_agent", value, agents, "an agent")

    @rx.event
    async def set_filter_state(self, value: str) -> EventSpec | None:
        states = [ANY, *(s.value for s in ACTIVE_STATES)]
        return await self._filter("filter_state", value, states, "a state")

    @rx.event
    async def set_filter_virtual(self, value: str) -> EventSpec | None:
        return await self._filter("filter_virtual", value, VIRTUAL_CHOICES, "whose interactions")

    @rx.event
    async def set_filter_channel(self, value: str) -> EventSpec | None:
        channels = [ANY, *(c.value for c in self.channels)]
        return await self._filter("filter_channel", value, channels, "a channel")

    @rx.event
    async def set_filter_text(self, value: str) -> None:
        if problem := refusal(self, Role.SUPERVISOR) or search_problem(value):
            self.filter_error = problem  # the page shown stays that of the last filter
            return
        self.filter_text, self.page = value, 1
        await self._read_page()

    @rx.event
    async def next_page(self) -> None:
        if self.has_next:
            self.page += 1
            await self._read_page()

    @rx.event
    async def previous_page(self) -> None:
        if self.has_previous:
            self.page -= 1
            await self._read_page()

    async def _filter(
        self, field: str, value: object, options: Iterable[str], what: str
    ) -> EventSpec | None:
        """A filter, to one of the values the board offers; the first page of what it keeps."""
        if problem := choice_refusal(self, Role.SUPERVISOR, value, options, what=what):
            return rx.toast.error(problem)
        setattr(self, field, value)
        self.page = 1
        await self._read_page()
        return None

    def _filters(self) -> supervision.BoardFilter:
        """The tab's filters as the service takes them (each was checked when it was set)."""
        virtual = {"yes": True, "no": False}.get(self.filter_virtual)
        return supervision.BoardFilter(
            agent_id=int(self.filter_agent) if self.filter_agent.isdigit() else None,
            state=InteractionState(self.filter_state) if self.filter_state else None,
            virtual_agent=virtual,
            channel_id=int(self.filter_channel) if self.filter_channel.isdigit() else None,
            text=self.filter_text,
        )

    async def _read_page(self) -> None:
        page = await self._serve(
            Role.SUPERVISOR,
            supervision.board_page,
            show="filter_error",
            filters=self._filters(),
            page=self.page,
        )
        if isinstance(page, ServiceError):
            return
        self.filter_error = ""
        self._show_page(page.rows, page.span)

    def _show_page(self, rows: Iterable[supervision.BoardRow], span: PageSpan) -> None:
        self.items = [board_item(r) for r in rows]
        self.page, self.page_text = span.page, span.text()
        self.has_previous, self.has_next = span.has_previous, span.has_next

    def _row_refusal(self, interaction_id: object, number: object) -> str:
        """Why no dialog opens for this row, or "": an id a row can have, and its number as
        the board shows it."""
        if problem := refusal(self, Role.SUPERVISOR):
            return problem
        if not is_row_id(interaction_id):
            return "That interaction is not on the board."
        return text_problem(number, what="The interaction's number", limit=CHOICE_CHARS)

    @rx.event
    async def join(self, interaction_id: int) -> EventSpec:
        outcome = await self._serve(
            Role.SUPERVISOR, supervision.join_as_supervisor, show="", interaction_id=interaction_id
        )
        if isinstance(outcome, ServiceError):
            return rx.toast.error(outcome.message)
        if not outcome.changed:
            return rx.toast.info(f"You are already in the live group of {outcome.number}.")
        return rx.toast.success(f"You joined the live group of {outcome.number}.")

    @rx.event
    async def leave(self, interaction_id: int) -> EventSpec:
        outcome = await self._serve(
            Role.SUPERVISOR, supervision.leave_as_supervisor, show="", interaction_id=interaction_id
        )
        if isinstance(outcome, ServiceError):
            return rx.toast.error(outcome.message)
        if not outcome.changed:
            return rx.toast.info(f"You were not in the live group of {outcome.number}.")
        return rx.toast.success(f"You left the live group of {outcome.number}.")

    @rx.event
    def start_reassign(self, interaction_id: int, number: str) -> EventSpec | None:
        if problem := self._row_refusal(interaction_id, number):
            return rx.toast.error(problem)
        self.reassign_id, self.reassign_number = interaction_id, number
        self.reassign_to = self.reassign_error = ""
        return None

    @rx.event
    def set_reassign_to(self, value: str) -> None:
        options = [a.value for a in self.agents]
        if problem := choice_refusal(self, Role.SUPERVISOR, value, options, what="the agent"):
            self.reassign_error = problem
            return
        self.reassign_to = value

    @rx.event
    def close_dialogs(self) -> None:
        self.reassign_id = self.takeover_id = 0
        self.reassign_number = self.takeover_number = self.history_number = ""
        self.reassign_error = ""

    @rx.event
    async def reassign(self) -> EventSpec | None:
        if not self.reassign_to.isdigit():
            self.reassign_error = "Choose the agent to hand it to."
            return None
        chosen = next((a.label for a in self.agents if a.value == self.reassign_to), "them")
        outcome = await self._serve(
            Role.SUPERVISOR,
            supervision.reassign,
            show="reassign_error",
            interaction_id=self.reassign_id,
            agent_id=int(self.reassign_to),
        )
        if isinstance(outcome, ServiceError):
            return None
        self.close_dialogs()
        if not outcome.changed:
            return rx.toast.info(f"{outcome.number} was already assigned to {chosen}.")
        return rx.toast.success(f"{outcome.number} is now assigned to {chosen}; both were told.")

    @rx.event
    def start_take_over(self, interaction_id: int, number: str) -> EventSpec | None:
        if problem := self._row_refusal(interaction_id, number):
            return rx.toast.error(problem)
        self.takeover_id, self.takeover_number = interaction_id, number
        return None

    @rx.event
    async def take_over(self) -> EventSpec | list[EventSpec]:
        """Assigns the confirmed interaction to this supervisor and opens it."""
        interaction_id = self.takeover_id
        self.close_dialogs()
        number = await self._serve(
            Role.SUPERVISOR, supervision.take_over, show="", interaction_id=interaction_id
        )
        if isinstance(number, ServiceError):
            return rx.toast.error(number.message)
        return [
            rx.toast.success(f"You now hold {number}."),
            rx.redirect(f"/interactions/{interaction_id}"),
        ]

    @rx.event
    async def show_history(self, interaction_id: int, number: str) -> EventSpec | None:
        if problem := self._row_refusal(interaction_id, number):
            return rx.toast.error(problem)
        stays = await self._serve(
            Role.SUPERVISOR, live_group.history, show="", interaction_id=interaction_id
        )
        if isinstance(stays, ServiceError):
            return rx.toast.error(stays.message)
        self.history_number = number
        self.history = [
            StayItem(
                s.agent,
                local_text(s.joined_at, self.time_zone, seconds=True),
                _reason(s.join_reason),
                local_text(s.left_at, self.time_zone, seconds=True) if s.left_at else "still in it",
                _reason(s.left_reason),
            )
            for s in stays
        ]
        return None
