"""Saving the Details form over changes made meanwhile: which of the agent's edits would
overwrite something they never saw.

The form remembers each field as it showed it (`seen`); a Save sends only the fields the agent
edited. An edited field whose stored value has moved on since it was shown is a conflict: the
Save is refused, saying what it is now, and nothing is written. Fields the agent left alone are
never sent, so they can never undo another agent's change (a pick-up, a close, a reassign).
A linked case is named by its number, CS and seven digits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

FIELD_NAMES = {
    "person": "the person",
    "case_number": "the linked case",
    "short_description": "the short description",
    "state": "the state",
}

_CASE_NUMBER = re.compile(r"CS\d{7}")


def case_number_problem(case: str) -> str:
    """Why `case` (as the form sends it: trimmed, in capitals) names no case; "" when it does,
    and when it is empty (that unlinks the case)."""
    return "" if not case or _CASE_NUMBER.fullmatch(case) else "A case number looks like CS0001001."


def edit_conflicts(
    seen: Mapping[str, str], now: Mapping[str, str], edited: Iterable[str]
) -> tuple[str, ...]:
    """The edited fields whose value is no longer the one the form showed, in form order."""
    moved = {f for f in edited if f in seen and seen[f] != now.get(f, "")}
    return tuple(f for f in FIELD_NAMES if f in moved)


def conflict_message(conflicts: Iterable[str], now: Mapping[str, str]) -> str:
    """E.g. 'Someone changed this interaction after you opened it: the state is now "work in
    progress". Nothing was saved: check your changes and save again.'"""
    parts = [f'{FIELD_NAMES[f]} is now "{_shown(f, now.get(f, ""))}"' for f in conflicts]
    return (
        "Someone changed this interaction after you opened it: "
        + "; ".join(parts)
        + ". Nothing was saved: check your changes and save again."
    )


def _shown(field: str, value: str) -> str:
    if not value:
        return "empty"
    return value.replace("_", " ") if field == "state" else value
