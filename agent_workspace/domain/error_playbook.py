"""What a provider error means and what to do next: the error playbook.

Every Twilio error code the workspace knows maps to the words the agent reads, the next step,
and what the workspace does by itself (retry once later, mark the number not textable, alert
the administrator instead of blaming the agent). Twilio splits and renames codes over time, so
the table is data (error_playbook.toml, read once), and a code it does not list falls back by
its family (11xxx, 12xxx attachments; 20xxx the provider or account; 21xxx a refused request;
30xxx the carrier).
Codes: https://www.twilio.com/docs/api/errors
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from importlib.resources import files
from typing import Any


class NextStep(StrEnum):
    """What the workspace does about a failure, besides telling the agent."""

    RETRY_LATER = "retry_later"  # offered automatically once, after a configurable delay
    NOT_TEXTABLE = "not_textable"  # the number is marked not textable on the person
    REPHRASE = "rephrase"  # the message's content was filtered: the checks are shown
    FIX_MESSAGE = "fix_message"  # something in the message itself (size, files)
    OPTED_OUT = "opted_out"  # the consumer does not want texts from this number
    ALERT_ADMIN = "alert_admin"  # account or number setup: the administrator is alerted
    NONE = "none"  # nothing automatic; the agent decides


@dataclass(frozen=True)
class Play:
    """One code's entry.

    Attributes:
        code: Twilio's error code (0 for a fallback).
        words: What happened, in the agent's words.
        advice: What to do next.
        step: What the workspace does by itself.
        short: For a NOT_TEXTABLE code, what the number is called (e.g. "unknown number").
    """

    code: int
    words: str
    advice: str
    step: NextStep
    short: str = ""

    @property
    def blames_setup(self) -> bool:
        """The cause is the account or number setup, not anything the agent did."""
        return self.step is NextStep.ALERT_ADMIN


PLAYBOOK_FILE = "error_playbook.toml"


def _load() -> tuple[tuple[Play, ...], tuple[tuple[range, Play], ...], Play]:
    data = tomllib.loads(files(__package__).joinpath(PLAYBOOK_FILE).read_text("utf-8"))

    def play(entry: dict[str, Any], code: int = 0) -> Play:
        step = NextStep(entry["step"])
        return Play(code, entry["words"], entry["advice"], step, entry.get("short", ""))

    plays = tuple(play(entry, entry["code"]) for entry in data["play"])
    families = tuple(
        (range(entry["first"], entry["last"] + 1), play(entry)) for entry in data["family"]
    )
    return plays, families, play(data["unknown"])


PLAYBOOK, _FAMILIES, UNKNOWN = _load()
_BY_CODE = {play.code: play for play in PLAYBOOK}


def play_for(code: int | None) -> Play:
    """The entry for `code`: its own, else its family's, else a safe default (never raises)."""
    if code is None:
        return UNKNOWN
    if found := _BY_CODE.get(code):
        return found
    for codes, fallback in _FAMILIES:
        if code in codes:
            return fallback
    return UNKNOWN


def not_textable_because(code: int | None) -> str | None:
    """What a number is, when a message to it failed with `code` because the number itself
    cannot take texts (NOT_TEXTABLE: sending again will not help); None otherwise."""
    play = play_for(code) if code else None
    if play is None or play.step is not NextStep.NOT_TEXTABLE:
        return None
    return play.short or "cannot receive texts"


def failure_text(code: int | None) -> str:
    """What the bubble says of a failed message: what happened, then what to do."""
    play = play_for(code)
    said = f"{play.words[:-1]} (error {code})." if code else play.words
    return f"{said} {play.advice}"


def retry_text(code: int | None, *, attempt: int, said: str = "") -> str:
    """What a provider-side retry says while it waits, e.g. "Sending again shortly (attempt
    2): the SMS provider is busy." instead of a bare code; with no code, what the transport
    `said` (e.g. "The SMS provider cannot be reached; retry later."), less its "retry later"."""
    words = play_for(code).words if code or not said else said.removesuffix("; retry later.")
    words = words if words.endswith(".") else f"{words}."
    return f"Sending again shortly (attempt {attempt}): {words[0].lower()}{words[1:]}"
