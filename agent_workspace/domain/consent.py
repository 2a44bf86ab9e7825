"""A consent change said in words for the person panel's history: what the consumer did (a
keyword they texted), what the provider reported (error 21610), or who on the team did it and
why. Pure: the history is read from the audit rows every opt-out change writes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Why a change was made, as its audit row says (services/conversation/opt_outs.py writes it).
PROVIDER_REFUSED = "provider error 21610"
INBOUND_KEYWORD = "inbound keyword"
AT_THEIR_REQUEST = "agent, at their request"


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
    said = why or ("opted out" if detail.get("opted_out") else "opted in")
    return f"{actor_name}: {said}" if actor_name else said
