"""The supervisor board's pure rules: which page of the table is shown, how an agent's load
reads against the capacity, and how the team is grouped by availability in the overview.

Plain values in, plain values out: the service (services/interactions/supervision.py) reads
the rows and the counts, these decide what they mean on screen.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from agent_workspace.domain.availability import Presence

PAGE_SIZE = 25
# The overview's groups, in the order a supervisor looks for them: who can take work first.
PRESENCE_ORDER = (Presence.AVAILABLE, Presence.AWAY, Presence.OFFLINE)


@dataclass(frozen=True)
class PageSpan:
    """One page of a table of `total` rows: which page (from 1), how many there are, and the
    rows it holds, as an offset and a count."""

    page: int
    pages: int
    total: int
    offset: int
    size: int

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    def text(self) -> str:
        """E.g. "26-50 of 132", "1-3 of 3", "0 of 0"."""
        if self.total == 0:
            return "0 of 0"
        last = min(self.offset + self.size, self.total)
        return f"{self.offset + 1}-{last} of {self.total}"


def page_span(page: int, total: int, size: int = PAGE_SIZE) -> PageSpan:
    """The page asked for, kept inside the table: below 1 is the first page, past the end the
    last one (rows closed meanwhile shrink the table under a supervisor on its last page)."""
    if size < 1:
        raise ValueError("A page holds at least one row.")
    total = max(0, total)
    pages = max(1, -(-total // size))
    page = min(max(1, page), pages)
    return PageSpan(page=page, pages=pages, total=total, offset=(page - 1) * size, size=size)


def load_text(active: int, capacity: int | None) -> str:
    """An agent's open conversations, against the capacity automatic assignment fills up to
    ("3 / 5"), or the count alone when no channel assigns automatically ("3")."""
    if capacity is None:
        return str(active)
    return f"{active} / {capacity}"


def at_capacity(active: int, capacity: int | None) -> bool:
    """Whether automatic assignment would give them nothing more."""
    return capacity is not None and active >= capacity


def strictest_capacity(capacities: Iterable[tuple[bool, int]]) -> int | None:
    """The capacity an agent's load is read against: of the channels that assign
    automatically (`(auto_assign, capacity)`), the largest, since an agent under it still gets
    work from that channel; None when no channel assigns automatically."""
    on = [capacity for auto, capacity in capacities if auto]
    return max(on) if on else None


@dataclass(frozen=True)
class Member:
    """An agent as the overview lists them."""

    agent_id: int
    name: str
    presence: Presence
    active: int


def by_presence(members: Iterable[Member]) -> list[tuple[Presence, list[Member]]]:
    """The team in PRESENCE_ORDER groups, each the least busy first (who can take the next
    conversation), then by name; every group is listed, empty or not."""
    groups: dict[Presence, list[Member]] = {p: [] for p in PRESENCE_ORDER}
    for member in members:
        groups[member.presence].append(member)
    return [
        (presence, sorted(found, key=lambda m: (m.active, m.name.casefold(), m.agent_id)))
        for presence, found in groups.items()
    ]
