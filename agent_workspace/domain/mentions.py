"""@mentions in internal notes: which agents a note calls, and what they are told.

A mention is `@` and a login name (domain/credentials.py: letters, digits and . _ -), in any
case: `@bob`, `@Bob,`, `(@bob.smith)`. Not a mention: an `@` inside a word, so an email address
(`ana@example.com`, `@bob@example.com`) calls nobody. A name ends before punctuation that follows
it (`@bob.` and `@bob,` call bob). Each name counts once per note; whether it is an agent is the
service's question (a name that is nobody is plain text: notes are free text).
"""

from __future__ import annotations

import re

NOTICE_TEXT = 80  # characters of the note the mentioned agent's notice quotes
_MENTION = re.compile(
    r"(?<![\w.+@-])@([a-z0-9](?:[a-z0-9._-]*[a-z0-9_-])?)(?!\.?[\w@-])", re.IGNORECASE
)


def mentioned_usernames(text: str) -> tuple[str, ...]:
    """The login names `text` mentions, lower case, each once, in the order first written."""
    return tuple(dict.fromkeys(m.group(1).lower() for m in _MENTION.finditer(text)))


def split_mentions(text: str) -> list[tuple[str, bool]]:
    """`text` in order as (piece, is_mention) for showing mentions apart; nothing is lost."""
    parts: list[tuple[str, bool]] = []
    at = 0
    for m in _MENTION.finditer(text):
        if m.start() > at:
            parts.append((text[at : m.start()], False))
        parts.append((m.group(0), True))
        at = m.end()
    if at < len(text):
        parts.append((text[at:], False))
    return parts


def mention_notice(*, by: str, number: str, text: str) -> str:
    """What the mentioned agent's notice says: who, where, and the start of the note."""
    said = " ".join(text.split())
    if len(said) > NOTICE_TEXT:
        said = said[: NOTICE_TEXT - 1].rstrip() + "…"
    return f"{by} mentioned you in {number}: {said}"
