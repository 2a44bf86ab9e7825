"""Labels an administrator defines and agents put on interactions: what a name and a colour
may be (issue 27 item 5).

A name is what the badge shows and what the list filters by: trimmed, 1 to MAX_NAME characters,
no control characters (a badge cannot show a line break or a tab). Two names that differ only
in case are the same label (`name_key`). The colour is one of Radix's colour names, so a badge
keeps its contrast in light and dark themes.
"""

from __future__ import annotations

import unicodedata

MAX_NAME = 40
PALETTE = (
    "gray",
    "red",
    "orange",
    "amber",
    "green",
    "teal",
    "blue",
    "indigo",
    "purple",
    "pink",
)


def clean_name(text: object) -> str:
    """The name as it is kept: surrounding spaces trimmed (a problem is `name_problem`'s)."""
    return text.strip() if isinstance(text, str) else ""


def name_problem(text: object) -> str:
    """Why `text` cannot name a label, or ""."""
    if not isinstance(text, str):
        return "A label's name must be text."
    name = text.strip()
    if not name:
        return "Give the label a name."
    if len(name) > MAX_NAME:
        return f"A label's name holds at most {MAX_NAME} characters ({len(name)} given)."
    if any(unicodedata.category(c).startswith("C") for c in name):
        return "A label's name cannot contain control characters (a tab, a line break, …)."
    return ""


def colour_problem(colour: object) -> str:
    """Why `colour` is not one a label may have, or ""."""
    if colour in PALETTE:
        return ""
    return f"Choose one of the colours offered ({', '.join(PALETTE)})."


def name_key(name: str) -> str:
    """What makes two names the same label: case does not count ("VIP" is "vip")."""
    return name.strip().casefold()
