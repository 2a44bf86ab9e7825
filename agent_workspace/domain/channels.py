"""What an SMS channel's settings must be: a name people read, the region numbers typed
without a country code are read in (Compose's Other, provider numbers, people's numbers), and
the business name a first text to a consumer should carry (domain/deliverability.py)."""

from __future__ import annotations

import phonenumbers

from agent_workspace.domain.names import hidden_character_problem
from agent_workspace.domain.phone import region_name

MAX_CHANNEL_NAME = 80  # Channel.name
MAX_BUSINESS_NAME = 80  # Channel.business_name


def channel_problems(name: str, region: str, business_name: str = "") -> dict[str, str]:
    """What is wrong with a channel's (trimmed) name, (upper-cased) region and (trimmed)
    business name, by field. No business name ("") is allowed: the checks then ask for one."""
    problems: dict[str, str] = {}
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
