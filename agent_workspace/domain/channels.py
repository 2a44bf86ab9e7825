"""What an SMS channel's settings must be: a name people read, the region numbers typed
without a country code are read in (Compose's Other, provider numbers, people's numbers), and
the business name a first text to a consumer should carry (domain/deliverability.py), and the
Twilio Messaging Service it may send through."""

from __future__ import annotations

import re

import phonenumbers

from agent_workspace.domain.names import hidden_character_problem
from agent_workspace.domain.phone import region_name

MAX_CHANNEL_NAME = 80  # Channel.name
MAX_BUSINESS_NAME = 80  # Channel.business_name
#: Twilio's Messaging Service SID: "MG" and 32 hexadecimal digits (its OpenAPI pattern).
MESSAGING_SERVICE_SID = re.compile(r"MG[0-9a-fA-F]{32}")


def messaging_service_problem(sid: str) -> str | None:
    """What is wrong with a (trimmed) Messaging Service SID; None when it has Twilio's shape
    or is blank (no Messaging Service: texts go from the chosen number)."""
    if not sid or MESSAGING_SERVICE_SID.fullmatch(sid):
        return None
    if not sid.startswith("MG"):
        return (
            "A Messaging Service SID starts with MG, in capitals (Twilio Console: Messaging >"
            f" Services); {sid[:40]!r} does not."
        )
    return (
        f"A Messaging Service SID is MG and 32 hexadecimal digits (34 characters); "
        f"{sid[:40]!r} is {len(sid)} characters"
        + ("." if len(sid) != 34 else " with a character that is not 0-9 or a-f.")
    )


def channel_problems(
    name: str, region: str, business_name: str = "", messaging_service_sid: str = ""
) -> dict[str, str]:
    """What is wrong with a channel's (trimmed) name, (upper-cased) region, (trimmed)
    business name and Messaging Service SID, by field. No business name ("") is allowed: the
    checks then ask for one; no Messaging Service ("") either."""
    problems: dict[str, str] = {}
    if problem := messaging_service_problem(messaging_service_sid):
        problems["messaging_service_sid"] = problem
    if len(business_name) > MAX_BUSINESS_NAME:
        problems["business_name"] = (
            f"The business name must be at most {MAX_BUSINESS_NAME} characters "
            f"({len(business_name)} now)."
        )
    elif problem := hidden_character_problem(business_name, what="The business name"):
        problems["business_name"] = problem
    if not 1 <= len(name) <= MAX_CHANNEL_NAME:
        problems["name"] = f"A channel name of 1 to {MAX_CHANNEL_NAME} characters is required."
    elif problem := hidden_character_problem(name, what="The channel name"):
        problems["name"] = problem
    if region not in phonenumbers.SUPPORTED_REGIONS:
        problems["region"] = (
            f"{region!r} is not a region code: use two letters such as US, GB or AU."
            if region
            else "Choose the default region (e.g. US)."
        )
    return problems


def region_choices() -> list[tuple[str, str]]:
    """Every region a number can be read in, as (code, "Australia (AU)"), by name."""
    named = [(code, f"{region_name(code)} ({code})") for code in phonenumbers.SUPPORTED_REGIONS]
    return sorted(named, key=lambda choice: choice[1])
