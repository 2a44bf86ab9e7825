"""Quiet hours in the composer (issue 26 items 2 and 3): Send refused outside the consumer's
hours shows a prompt with two choices, "Send at 08:00 their time (Tuesday)" (a scheduled
message) or "Send now anyway" with a typed reason (audited); the agent may also pick another
time, in their own time or the consumer's. The Send itself is ComposeState._send
(compose.py); this part holds the prompt and what the next Send carries."""

from __future__ import annotations

from datetime import datetime

import reflex as rx

from agent_workspace.domain.consumer_time import ConsumerZone, consumer_zone
from agent_workspace.domain.times import known_zone, typed_moment
from agent_workspace.models import Role
from agent_workspace.services.conversation.quiet_hours import OutsideQuietHours
from agent_workspace.state.client_input import choice_refusal, typed_refusal
from agent_workspace.state.compose_base import ComposerBase

THEIRS, MINE = "theirs", "mine"
REASON_CHARS = 400


class ComposeScheduleMixin(ComposerBase, mixin=True):
    quiet: str = ""  # why Send was refused: the prompt shows while this is set
    quiet_opening: str = ""  # "08:00 their time (Tuesday)"
    quiet_zone: str = ""  # the consumer's zone the prompt's times are in
    quiet_overriding: bool = False  # "Send now anyway" chosen: the reason field shows
    quiet_reason: str = ""
    quiet_picking: bool = False  # "Pick a time" chosen: the time field shows
    pick_time: str = ""  # "2026-12-08T09:30" from the time picker
    pick_in: str = THEIRS  # whose time pick_time is in
    agent_zone: str = ""  # the agent's browser zone (sent with the choice)
    scheduling: bool = False  # "Schedule…" chosen without a refusal: the picker shows
    # What the next Send carries: the reason to send now anyway, or when to send (ISO, UTC).
    _override: str = ""
    _send_at: str = ""
    _quiet_opens_at: str = ""  # the refusal's next opening (ISO, UTC)

    def _show_quiet(self, refused: OutsideQuietHours) -> None:
        self.quiet, self.quiet_opening = refused.message, refused.opening
        self.quiet_zone = refused.zone
        self._quiet_opens_at = refused.opens_at.isoformat() if refused.opens_at else ""
        self.quiet_overriding = self.quiet_picking = False
        self.quiet_reason = self.pick_time = ""

    def _clear_quiet(self) -> None:
        self.quiet = self.quiet_opening = self.quiet_reason = ""
        self.quiet_overriding = self.quiet_picking = self.scheduling = False
        self._override = self._send_at = ""

    def _start_schedule(self, e164: str, known: ConsumerZone | None) -> None:
        """ "Schedule…": the picker in the consumer's time: the zone the composer already says
        their time in (set on the person, or read from the number), else the number's."""
        where = known or consumer_zone(e164)
        self.quiet_zone = where.zone or (where.candidates[0] if where.candidates else "")
        self.scheduling, self.pick_time, self.error = not self.scheduling, "", ""

    @rx.event
    def dismiss_quiet(self) -> None:
        """Don't send: the prompt goes, the text stays."""
        self._clear_quiet()

    @rx.event
    def choose_override(self) -> None:
        self.quiet_overriding, self.quiet_picking = True, False

    @rx.event
    def choose_pick(self) -> None:
        self.quiet_picking, self.quiet_overriding = True, False

    @rx.event
    def set_quiet_reason(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The reason", limit=REASON_CHARS):
            self.error = problem
            return
        self.quiet_reason = value

    @rx.event
    def set_pick_time(self, value: str) -> None:
        if problem := typed_refusal(self, Role.AGENT, value, what="The time", limit=32):
            self.error = problem
            return
        self.pick_time = value

    @rx.event
    def set_pick_in(self, value: str) -> None:
        if problem := choice_refusal(self, Role.AGENT, value, (THEIRS, MINE), what="whose time"):
            self.error = problem
            return
        self.pick_in = value

    @rx.event
    def set_agent_zone(self, value: str) -> None:
        """The browser's zone (Intl), for "my time"; a name that is no zone reads as UTC."""
        if problem := typed_refusal(self, Role.AGENT, value, what="The time zone", limit=64):
            self.error = problem
            return
        self.agent_zone = known_zone(value)

    def _picked_at(self) -> datetime | None:
        """The picker's time as an aware moment, or None (error set) when it is no time."""
        zone = self.quiet_zone if self.pick_in == THEIRS else self.agent_zone
        if not zone:
            self.error = "Whose time is that? Choose their time or yours."
            return None
        if (at := typed_moment(self.pick_time, zone)) is None:
            self.error = "Choose a date and time to send it at."
        return at
