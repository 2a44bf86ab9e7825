"""The live end of a conversation as two lists, so a new message is a small push.

Reflex sends a changed list whole, and the browser keeps an item's identity only where the
same item sits at the same index. A sliding window of the latest messages moves every item by
one on each new message: the push carried all of them and the page re-rendered every bubble.
Here the `base` stays put while messages arrive; they go to `fresh`, which alone is pushed, and
only every FOLD_AT messages is the window moved (the base replaced, `fresh` emptied).
"""

from __future__ import annotations

import dataclasses

from agent_workspace.state.views import MessageItem

FOLD_AT = 20  # fresh messages before the window moves on


@dataclasses.dataclass(frozen=True)
class LiveTail:
    base: list[MessageItem]
    fresh: list[MessageItem]


def advance(current: LiveTail, latest: list[MessageItem], keep: int) -> LiveTail:
    """The tail after the latest `keep` messages were read again (oldest first).

    Unchanged lists come back as the same objects, so the caller assigns (and pushes) only
    the list that changed. Messages already shown take their new state (a delivery status);
    newer ones join `fresh`. When the latest no longer meet what is shown (more arrived than
    were read), or `fresh` would pass FOLD_AT, the window moves: the latest become the base.
    """
    by_id = {m.id: m for m in latest}
    base = _refreshed(current.base, by_id)
    fresh = _refreshed(current.fresh, by_id)
    shown = base + fresh
    last_seq = shown[-1].seq if shown else 0
    newer = [m for m in latest if m.seq > last_seq]
    if not shown or (newer and newer[0].seq > last_seq + 1):
        return LiveTail(latest[-keep:], []) if latest else current
    if len(fresh) + len(newer) > FOLD_AT:
        return LiveTail((shown + newer)[-keep:], [])
    if newer:
        fresh = [*fresh, *newer]
    return LiveTail(base, fresh)


def _refreshed(items: list[MessageItem], by_id: dict[int, MessageItem]) -> list[MessageItem]:
    """`items` itself when none of them changed, else a copy with the new versions."""
    changed = [by_id.get(m.id, m) for m in items]
    return items if changed == items else changed
