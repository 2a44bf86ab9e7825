"""Consent, pure: whether a phone is stopped for a sending number under the channel's policy
(`stop_for`, the one rule Send, the composer, the outbox and the inbound START read), the
refusal that says so, and a change said in words for the person panel's history: what the
consumer did (a keyword they texted), what the provider reported (error 21610), or who on the
team did it and why. The history is read from the audit rows every opt-out change writes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Why a change was made, as its audit row says (services/people/ledger.py writes it).
PROVIDER_REFUSED = "provider error 21610"
INBOUND_KEYWORD = "inbound keyword"
AT_THEIR_REQUEST = "agent, at their request"
IMPORTED = "import"  # a people CSV's consent column, the administrator who imported it the actor


@dataclass(frozen=True)
class Subscription:
    """A phone's latest consent change for one sending number (a row of `opt_out`)."""

    sender: str
    opted_out: bool
    at: datetime
    channel: int | None  # the channel that owns `sender`; None when none does (any more)
    keyword: str = ""
    why: str = ""  # one of the reasons above ("" on rows older than it)
    by: str = ""  # the team member who made the change, or ""


@dataclass(frozen=True)
class Stop:
    """What stops texts to a phone from a sender: the opt-out, and whether it is another
    number's, widened to the sender by the channel's policy."""

    sender: str  # the number the phone opted out of
    at: datetime
    keyword: str
    why: str
    by: str
    channel_wide: bool


def stop_for(
    sender: str, subscriptions: Iterable[Subscription], *, channel: int | None, channel_wide: bool
) -> Stop | None:
    """Whether the phone whose `subscriptions` these are is stopped for `sender` (of `channel`).

    Its own opt-out from `sender` always holds: Twilio refuses that number until START is
    texted to it. With the channel's policy on, the latest change on any of the channel's
    numbers holds for all of them too: a STOP to one stops every one, a START to any lifts that
    (a STOP and a START at the same moment: stopped).
    """
    subs = tuple(subscriptions)
    own = next((s for s in subs if s.sender == sender), None)
    if own is not None and own.opted_out:
        return _stop(own, channel_wide=False)
    if not channel_wide or channel is None:
        return None
    ours = [s for s in subs if s.channel == channel]
    latest = max(ours, key=lambda s: (s.at, s.opted_out), default=None)
    return _stop(latest, channel_wide=True) if latest is not None and latest.opted_out else None


def _stop(sub: Subscription, *, channel_wide: bool) -> Stop:
    return Stop(sub.sender, sub.at, sub.keyword, sub.why, sub.by, channel_wide=channel_wide)


def import_may_lift(sub: Subscription) -> bool:
    """Whether an imported opt-in lifts this opt-out: what the team recorded (an import, an
    agent at their request), never a STOP the phone texted or Twilio reported."""
    return sub.opted_out and (
        sub.why in (IMPORTED, AT_THEIR_REQUEST) or (not sub.why and bool(sub.by))
    )


def stop_refusal(stop: Stop, *, phone: str, sender: str) -> str:
    """Why a text from `sender` to `phone` is refused: the number it opted out of, how, when."""
    said = f"{phone} has opted out of messages from {stop.sender} ({stopped_how(stop)})"
    if not stop.channel_wide:
        return f"{said}. Sending is refused until they text START."
    return (
        f"{said}, and the channel's policy stops every number after a STOP to one: sending "
        f"from {sender} is refused until they text START to any of its numbers."
    )


def stopped_how(stop: Stop) -> str:
    """E.g. "they texted STOP on 2026-12-08 14:03 UTC"."""
    when = stop.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if stop.why == IMPORTED:
        return f"imported as opted out by {stop.by or 'an administrator'} on {when}"
    if stop.by:  # an agent, at their request (rows older than `why` say only who)
        return f"{stop.by} opted them out at their request on {when}"
    return f"they texted {stop.keyword or 'STOP'} on {when}"


@dataclass(frozen=True)
class ConsentChange:
    """One row of a phone's consent history, as the panel says it."""

    opted_out: bool
    phone: str
    sender: str  # the sending number the change is scoped to (Twilio scopes opt-outs so)
    source: str  # e.g. 'Texted "STOP"', "Twilio refused a text (21610)", "Alice: asked by phone"


def consent_change(detail: dict[str, Any], actor_name: str) -> ConsentChange | None:
    """The change an opt-out audit row records, or None when the row is not one."""
    phone, sender, opted_out = detail.get("phone"), detail.get("sender"), detail.get("opted_out")
    if not (isinstance(phone, str) and isinstance(sender, str) and isinstance(opted_out, bool)):
        return None
    return ConsentChange(opted_out, phone, sender, source_words(detail, actor_name))


def source_words(detail: dict[str, Any], actor_name: str) -> str:
    why, keyword = str(detail.get("why") or ""), str(detail.get("keyword") or "")
    if why == INBOUND_KEYWORD:
        return f'Texted "{keyword}"' if keyword else "Texted a keyword"
    if why == PROVIDER_REFUSED:
        return "Twilio refused a text: the phone had opted out (21610)"
    if why == AT_THEIR_REQUEST:
        return f"{actor_name or 'An agent'} opted them out at their request"
    if why == IMPORTED:
        said = "opted out" if detail.get("opted_out") else "opted in"
        return f"Imported as {said} by {actor_name or 'an administrator'}"
    said = why or ("opted out" if detail.get("opted_out") else "opted in")
    return f"{actor_name}: {said}" if actor_name else said
