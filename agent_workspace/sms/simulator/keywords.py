"""Twilio's default opt-out, opt-in and help keywords, as its support article "Twilio support
for opt-out keywords (SMS STOP filtering)" lists them (REVOKE and OPTOUT since May 2025).

Kept apart from the workspace's own list (domain/optout.py) on purpose: the simulator plays
Twilio, so a keyword the workspace misses shows up as a difference in the tests.
"""

from __future__ import annotations

import string

_TYPES = {
    **dict.fromkeys(
        ("STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"), "STOP"
    ),
    **dict.fromkeys(("START", "YES", "UNSTOP"), "START"),
    **dict.fromkeys(("HELP", "INFO"), "HELP"),
}


def keyword_type(body: str) -> str | None:
    """STOP, START or HELP (Twilio's `OptOutType`) when the whole body is a keyword, in any
    case, with spaces and punctuation around it ("Stop!"); None otherwise ("stop please")."""
    return _TYPES.get(body.strip(string.whitespace + string.punctuation + "¡¿").upper())
