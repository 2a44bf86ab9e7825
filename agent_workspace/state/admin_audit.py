"""The audit log on the administration page: filters and keyset pages (admins only)."""

from __future__ import annotations

import dataclasses
from datetime import date

import reflex as rx

from agent_workspace.domain.inputs import CHOICE_CHARS
from agent_workspace.domain.times import local_text
from agent_workspace.models import Role
from agent_workspace.services.audit_log import AuditFilter, audit_log
from agent_workspace.services.errors import ServiceError
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.session import SessionState

FIELDS = ("username", "interaction", "date_from", "date_to")
AUDIT_TAB = "audit"  # its tab's value on the administration page


@dataclasses.dataclass
class AuditItem:
    id: int
    at: str
    who: str
    action: str
    entity: str
    interaction: str
    detail: str


class AuditAdminState(SessionState):
    filters: dict[str, str] = {f: "" for f in FIELDS}
    problems: dict[str, str] = {f: "" for f in FIELDS}
    rows: list[AuditItem] = []
    cursors: list[str] = []  # the cursor of each page shown so far ("" for the first)
    next_cursor: str = ""
    error: str = ""

    @rx.event
    def set_filter(self, name: str, value: str) -> None:
        """One of the page's filters (FIELDS); no other key is kept."""
        if problem := choice_refusal(self, Role.ADMIN, name, FIELDS, what="a filter"):
            self.error = problem
            return
        if problem := typed_refusal(self, Role.ADMIN, value, what="A filter", limit=CHOICE_CHARS):
            self.problems = {**self.problems, name: problem}
            return
        self.filters = {**self.filters, name: value}

    @rx.event
    async def load(self) -> None:
        await self._page("", before=[])

    @rx.event
    async def tab_opened(self, tab: str) -> None:
        """The Audit log tab was opened: read afresh (what was done since the page loaded,
        e.g. the user just created, is there), with the filters as they are."""
        if tab == AUDIT_TAB:
            await self._page("", before=[])

    @rx.event
    async def search(self) -> None:
        await self._page("", before=[])

    @rx.event
    async def next_page(self) -> None:
        if self.next_cursor:
            await self._page(self.next_cursor, before=self.cursors)

    @rx.event
    async def previous_page(self) -> None:
        if len(self.cursors) > 1:
            back = self.cursors[:-1]
            await self._page(back[-1], before=back[:-1])

    async def _page(self, cursor: str, *, before: list[str]) -> None:
        self.problems = {f: "" for f in FIELDS}
        self.error = ""
        filters = self._parsed()
        if filters is None:
            return
        page = await self._serve(
            Role.ADMIN, audit_log, on_fields=self._mark, filters=filters, cursor=cursor
        )
        if isinstance(page, ServiceError):
            return
        self.cursors = [*before, cursor]
        self.next_cursor = page.next_cursor
        self.rows = [
            AuditItem(
                r.id,
                local_text(r.at, self.time_zone, seconds=True),
                r.who,
                r.action,
                r.entity,
                r.interaction,
                r.detail,
            )
            for r in page.rows
        ]

    def _mark(self, problems: dict[str, str]) -> None:
        self.problems = {f: problems.get(f, "") for f in FIELDS}

    def _parsed(self) -> AuditFilter | None:
        """The filters, or None when a date is no date (marked next to its field)."""
        dates: dict[str, date | None] = {}
        problems = {}
        for name in ("date_from", "date_to"):
            raw = self.filters[name].strip()
            try:
                dates[name] = date.fromisoformat(raw) if raw else None
            except ValueError:
                problems[name] = f"{raw!r} is not a date (YYYY-MM-DD)."
        if problems:
            self._mark(problems)
            return None
        return AuditFilter(
            username=self.filters["username"],
            interaction_number=self.filters["interaction"],
            date_from=dates["date_from"],
            date_to=dates["date_to"],
            time_zone=self.time_zone,
        )

    @rx.var
    def has_previous(self) -> bool:
        return len(self.cursors) > 1
