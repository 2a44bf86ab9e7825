"""What a browser may send: the bounds on ids, searches and typed text.

Any connected client can call any public handler with arguments of its choosing (JSON: any
type, any size), so a value is checked here before it reaches a query or a tab's memory.
PostgreSQL refuses NUL in text and integers past its column types; SQLite refuses LIKE
patterns past 50,000 bytes; a search's cost grows with its words. Each rule says in words
what was wrong, for the person at the screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

MAX_ROW_ID = 2**31 - 1  # every id column is an INTEGER (PostgreSQL's int4)
SEARCH_CHARS = 80
SEARCH_WORDS = 8
TYPED_CHARS = 5_000  # any one typed field a tab keeps: above every field's own limit
CHOICE_CHARS = 100  # a value picked from a list, a phone number typed, a filter
DRAFTS = 20  # unsent messages a tab keeps, one per interaction it showed


def is_row_id(value: object) -> bool:
    """Whether `value` can be the id of a row: an int (not a bool) the columns can hold."""
    return type(value) is int and 0 < value <= MAX_ROW_ID


def text_problem(value: object, *, what: str, limit: int = TYPED_CHARS) -> str:
    """Why `value` cannot be taken as typed text, or "": text, no NUL (no database stores
    it), at most `limit` characters. `what` names it ("The title")."""
    if not isinstance(value, str):
        return f"{what} must be text."
    if "\x00" in value:
        return f"{what} cannot contain a NUL character."
    if len(value) > limit:
        return f"{what} holds at most {limit:,} characters ({len(value):,} given)."
    return ""


def search_problem(value: object, *, by_words: bool = False) -> str:
    """Why `value` cannot be searched for, or "": text of at most SEARCH_CHARS characters;
    a search matched `by_words` (each word a condition of its own) has at most SEARCH_WORDS."""
    problem = text_problem(value, what="A search", limit=SEARCH_CHARS)
    if problem or not isinstance(value, str):
        return problem
    if by_words and len(value.split()) > SEARCH_WORDS:
        return f"Search for at most {SEARCH_WORDS} words."
    return ""


def whole_number(text: str) -> int | None:
    """A count typed into a form (" 24 "), or None: str.isdigit alone also passes "²", which
    int() refuses, and "٣", which it reads as 3."""
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def is_choice(value: object, options: Iterable[str]) -> bool:
    """Whether `value` is one of the `options` a page offers (a list or dict sent instead is
    no option, and is never hashed)."""
    return isinstance(value, str) and value in set(options)


def kept_drafts(
    drafts: Mapping[int, str], interaction_id: int, body: str, *, keep: int = DRAFTS
) -> dict[int, str]:
    """The drafts a tab keeps after the agent leaves `interaction_id` with `body` typed: the
    newest last, none for an empty body or an id no row can have, the oldest dropped beyond
    `keep`."""
    kept = {i: text for i, text in drafts.items() if i != interaction_id}
    if body and is_row_id(interaction_id):
        kept[interaction_id] = body
    return dict(list(kept.items())[-keep:])
