"""SLA clocks as a tab says them (issue 27 item 8): the list rows' and the conversation
header's time left, said again on the browser's timer (components/sla.py) from the clocks the
last read or push brought, with no database read and nothing pushed by the server per minute.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import datetime

import reflex as rx

from agent_workspace.models import Role, utcnow
from agent_workspace.services.interactions.lists import InteractionRow
from agent_workspace.services.sla.clocks import SlaPlan
from agent_workspace.state.client_input import refusal
from agent_workspace.state.conversation_feed import ConversationFeed
from agent_workspace.state.live import RowItem
from agent_workspace.state.session import SessionState

TICK_MS = 30_000  # how often a tab says its clocks again: at most half a minute late


def kept_plans(
    plans: dict[int, SlaPlan], rows: Iterable[InteractionRow], shown: list[RowItem]
) -> dict[int, SlaPlan]:
    """The clocks of the rows a list shows after some were read: those read replace what was
    kept, rows no longer shown drop out (bounded by the rows)."""
    read = {row.id: row.sla for row in rows}
    merged = {**plans, **{i: plan for i, plan in read.items() if plan is not None}}
    return {
        row.id: merged[row.id]
        for row in shown
        if row.id in merged and (row.id not in read or read[row.id] is not None)
    }


def retold(rows: list[RowItem], plans: dict[int, SlaPlan], now: datetime) -> list[RowItem] | None:
    """The rows with their clocks said again at `now`; None when no words changed."""
    changed = False
    fresh = []
    for row in getattr(rows, "__wrapped__", rows):  # the list, not Reflex's tracking proxy
        row = getattr(row, "__wrapped__", row)
        plan = plans.get(row.id)
        text, status = plan.shown(now) if plan else ("", "")
        if (text, status) != (row.sla_text, row.sla_status):
            row = dataclasses.replace(row, sla_text=text, sla_status=status)
            changed = True
        fresh.append(row)
    return fresh if changed else None


class SlaHeaderState(SessionState):
    """The open conversation's nearest SLA clock, as this tab says it."""

    text: str = ""
    status: str = ""

    @rx.event
    async def tick(self, _shown: str = "") -> None:
        """The browser's timer, or the header's clock changing: the words again from the clock
        the conversation's feed holds."""
        if refusal(self, Role.AGENT):
            return
        feed = await self.get_state(ConversationFeed)
        plan = feed._sla if feed.info.active else None
        text, status = plan.shown(utcnow()) if plan else ("", "")
        if (text, status) != (self.text, self.status):
            self.text, self.status = text, status
