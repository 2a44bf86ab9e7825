"""The consumer's local time, as a tab shows it beside their number (the conversation header,
the composer's To): said from a zone read once, and said again on the browser's timer with no
database read (components/their_time.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import reflex as rx

from agent_workspace.domain.consumer_time import ConsumerZone, their_time
from agent_workspace.models import Role
from agent_workspace.state.client_input import refusal
from agent_workspace.state.session import SessionState


class TheirTimeMixin(SessionState, mixin=True):
    their_time: str = ""  # "14:05 for them, Pacific Time"
    _where: ConsumerZone | None = None  # the zone `their_time` is read in, for the ticks

    def _show_their_time(self, where: ConsumerZone | None) -> None:
        self._where = where
        self.their_time = their_time(datetime.now(UTC), where) if where else ""

    @rx.event
    def tick_their_time(self, _shown: str = "") -> None:
        """The browser's minute timer: their time again, from the zone the load read (no
        database, no push from the server)."""
        if self._where is None or refusal(self, Role.AGENT):
            return
        now = their_time(datetime.now(UTC), self._where)
        if now != self.their_time:
            self.their_time = now
