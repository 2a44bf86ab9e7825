"""Names people read: one line of visible text.

A name is printed inside other text (a transcript line, a notice, the audit log). A line break
in it forges a line of that text; a bidirectional override (U+202E) makes what follows read
backwards; NUL ends the string for C code and PostgreSQL refuses it. So names are refused with
such characters, and text that may already hold them is escaped where it is printed.

Hidden here means: control characters (Unicode Cc: NUL, tab, line breaks, DEL, C1), line and
paragraph separators, surrogates, and format characters (Cf: bidi controls, zero-width space,
BOM) except the zero-width joiner and non-joiner, which some scripts and emoji need.
"""

from __future__ import annotations

import unicodedata

MAX_DISPLAY_NAME = 120
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_JOINERS = frozenset({"\u200c", "\u200d"})
_NAMED = {
    "\x00": "NUL",
    "\t": "tab",
    "\n": "line break",
    "\r": "line break",
    "\x0b": "line break",
    "\x0c": "line break",
    "\x85": "line break",
    "\u2028": "line break",
    "\u2029": "line break",
}


def is_hidden(char: str) -> bool:
    """Whether a character changes how text around it is laid out instead of showing itself."""
    return unicodedata.category(char) in _HIDDEN_CATEGORIES and char not in _JOINERS


def hidden_character_problem(text: str, *, what: str) -> str | None:
    """Why `text` cannot be a name (`what` says which: "The display name"), or None."""
    for index, char in enumerate(text):
        if is_hidden(char):
            kind = _NAMED.get(char, "control or formatting character")
            return (
                f"{what} must be one line of visible text: it has a {kind} "
                f"({_code(char)}) at character {index + 1}."
            )
    return None


def display_name_problem(name: str) -> str | None:
    """Why a (trimmed) display name cannot be used, or None."""
    if not 1 <= len(name) <= MAX_DISPLAY_NAME:
        return f"A display name of 1 to {MAX_DISPLAY_NAME} characters is required."
    return hidden_character_problem(name, what="The display name")


def one_line(text: str) -> str:
    """`text` with every hidden character shown as its escape (a line break as \\u000a), for
    printing a name that may hold them inside a line of plain text."""
    if not any(is_hidden(c) for c in text):
        return text
    return "".join(f"\\u{ord(c):04x}" if is_hidden(c) else c for c in text)


def _code(char: str) -> str:
    return f"U+{ord(char):04X}"
