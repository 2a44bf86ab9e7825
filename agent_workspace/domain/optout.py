"""Opt-out keywords as Twilio defines them for a sender number, and free-text requests to stop.

A keyword counts when it is the whole message: one word, in any case, with spaces and
punctuation around it ("Stop!" yes, "please stop" no). Anything else that reads like a request
to stop ("please stop texting me", "no more messages", "ALTO", "ARRÊT") is only flagged to the
agent, with a one-click opt-out: never applied by itself.
"""

import re
import unicodedata
from enum import StrEnum

OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})


class OptAction(StrEnum):
    OPT_OUT = "STOP"
    OPT_IN = "START"
    HELP = "HELP"


def keyword_of(body: str) -> str:
    """The body as one upper-case word without the spaces and punctuation around it."""
    return _trim(body).upper()


def _trim(text: str) -> str:
    start, end = 0, len(text)
    while start < end and _is_edge(text[start]):
        start += 1
    while end > start and _is_edge(text[end - 1]):
        end -= 1
    return text[start:end]


def _is_edge(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch).startswith("P")


def opt_action(body: str, opt_out_type: str | None = None) -> OptAction | None:
    """What an inbound message does to the subscription; Twilio's `OptOutType` wins when posted."""
    if opt_out_type:
        try:
            return OptAction(opt_out_type.strip().upper())
        except ValueError:
            return None
    word = keyword_of(body)
    if word in OPT_OUT_KEYWORDS:
        return OptAction.OPT_OUT
    if word in OPT_IN_KEYWORDS:
        return OptAction.OPT_IN
    if word in HELP_KEYWORDS:
        return OptAction.HELP
    return None


_FOREIGN_STOP_WORDS = frozenset(
    {"ALTO", "ARRET", "ARRETE", "ARRETER", "BAJA", "PARAR", "PARE", "CANCELAR", "DETENER", "HALT"}
)
_STOP_PHRASES = re.compile(
    r"\b(?:"
    r"stop (?:texting|messaging|sending|contacting|txting|msging)"
    r"|(?:no|not any) more (?:texts?|messages?|sms|txts?)"
    r"|(?:don'?t|do not|never) (?:text|message|sms|contact) (?:me|us|this number)"
    r"|remove (?:me|my number)|take (?:me|my number) off"
    r"|unsubscribe me|opt me out|(?:i want to |please )?opt[ -]out"
    r"|please stop|stop please|stop it"
    r")\b",
    re.IGNORECASE,
)


def asks_to_stop(body: str) -> bool:
    """Whether a message that is not a keyword still reads like a request to stop texting:
    flagged to the agent, who may opt the person out with one click."""
    if opt_action(body) is not None:
        return False
    plain = _without_accents(body)
    return keyword_of(plain) in _FOREIGN_STOP_WORDS or bool(_STOP_PHRASES.search(plain))


def _without_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
