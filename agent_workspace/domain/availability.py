"""Availability: whether an agent can take conversations now, as the board and assignment see it.

An agent chooses Available, Away or Offline. What counts is the choice narrowed by the facts:
with no live session (their last tab closed or expired) they are Offline whatever they chose;
an Available agent idle for `away_after` or longer is Away until they act again. Only an
Available agent receives conversations automatically (domain/assignment.py).

Idleness is measured in the agent's browser (assets/workspace.js: no key, click or pointer
move in any tab of theirs for the setting's minutes), which then says so once: an Available
agent turns Away, marked as set automatically; acting again turns only such an Away back to
Available, as Chatwoot and Zendesk do. An Away or Offline they chose themselves stays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Presence(StrEnum):
    """What an agent is, for the board and for assignment."""

    AVAILABLE = "available"
    AWAY = "away"
    OFFLINE = "offline"


class Reason(StrEnum):
    """Why the presence is what it is, for the words on the board."""

    CHOSEN = "chosen"
    IDLE = "idle"
    NO_SESSION = "no_session"


@dataclass(frozen=True)
class Availability:
    presence: Presence
    reason: Reason

    @property
    def takes_work(self) -> bool:
        """Whether automatic assignment may give them a conversation."""
        return self.presence == Presence.AVAILABLE

    def text(self) -> str:
        """E.g. "Away (idle)", "Offline (no session)", "Available"."""
        name = self.presence.value.capitalize()
        if self.reason == Reason.CHOSEN:
            return name
        return f"{name} ({self.reason.value.replace('_', ' ')})"


def parse_presence(text: str) -> Presence:
    """The presence an agent chose, from the form's value; raises ValueError with the choices."""
    try:
        return Presence((text or "").strip().lower())
    except ValueError:
        raise ValueError(f'"{text}" is not a status; choose available, away or offline.') from None


def availability(
    chosen: Presence,
    *,
    live_session: bool,
    last_activity_at: datetime | None,
    now: datetime,
    away_after: timedelta | None,
    auto_away: bool = False,
) -> Availability:
    """What the agent is at `now`.

    Args:
        chosen: What they set.
        live_session: Whether any of their sessions is live (a connected tab).
        last_activity_at: Their last action (a click, a key, a send); None: none seen, which
            counts as idle.
        away_after: Idle time after which Available reads Away; None never does.
        auto_away: The stored Away was set because they went idle, not chosen.
    """
    if not live_session:
        return Availability(Presence.OFFLINE, Reason.NO_SESSION)
    if chosen == Presence.AWAY and auto_away:
        return Availability(Presence.AWAY, Reason.IDLE)
    if chosen != Presence.AVAILABLE:
        return Availability(chosen, Reason.CHOSEN)
    if away_after is not None and (
        last_activity_at is None or now - last_activity_at >= away_after
    ):
        return Availability(Presence.AWAY, Reason.IDLE)
    return Availability(Presence.AVAILABLE, Reason.CHOSEN)


def became_available(before: Availability, after: Availability) -> bool:
    """Whether the change lets them take work now: the moment to hand out the queue."""
    return after.takes_work and not before.takes_work


def idle_until(last_activity_at: datetime, away_after: timedelta) -> datetime:
    """When an Available agent with no further activity turns Away (to schedule the check)."""
    return last_activity_at + away_after


def when_idle(chosen: Presence) -> Presence | None:
    """What going idle makes of their choice: Available turns Away (set automatically);
    None: nothing changes (they chose Away or Offline)."""
    return Presence.AWAY if chosen == Presence.AVAILABLE else None


def when_back(chosen: Presence, *, auto_away: bool) -> Presence | None:
    """What acting again makes of it: an Away set automatically turns Available; None: an
    Away or Offline they chose stays, and Available needs nothing."""
    return Presence.AVAILABLE if chosen == Presence.AWAY and auto_away else None
