"""Canned-reply templates: which placeholders a text uses, whether it may be saved, and filling.

Placeholders are `{name}` with a known name; `{{` and `}}` write a literal brace. Everything
else in braces is refused on save, so an agent never sends "{frist_name}" to a consumer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

PLACEHOLDERS: Mapping[str, str] = {
    "first_name": "the person's first name",
    "last_name": "the person's last name",
    "agent_name": "your name as the consumer sees it",
}
MAX_TITLE = 80
MAX_BODY = 1600  # Twilio's body limit: a template longer than that could never be sent

# A doubled brace, a {placeholder}, or a lone brace (an error).
_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")


@dataclass(frozen=True)
class TemplateProblems:
    """Why a template cannot be saved, per field; empty strings mean that field is fine."""

    title: str = ""
    body: str = ""

    def __bool__(self) -> bool:
        return bool(self.title or self.body)


def placeholders_in(body: str) -> tuple[str, ...]:
    """The placeholder names `body` uses, in order of first use (known or not)."""
    seen: dict[str, None] = {}
    for match in _TOKEN.finditer(body):
        if match.group(1) is not None:
            seen.setdefault(match.group(1).strip(), None)
    return tuple(seen)


def body_problem(body: str) -> str:
    """Why a template body cannot be saved, in words, or ""."""
    if not body.strip():
        return "Write the text of the reply."
    if len(body) > MAX_BODY:
        return f"The text must be at most {MAX_BODY} characters (an SMS cannot be longer)."
    unknown: list[str] = []
    for match in _TOKEN.finditer(body):
        piece, name = match.group(0), match.group(1)
        if piece in ("{{", "}}"):
            continue
        if name is None:
            return (
                f"A lone {piece!r} is not allowed: write {{first_name}} for a placeholder, or "
                f"double it ({piece * 2}) for the brace itself."
            )
        if name not in PLACEHOLDERS and name not in unknown:
            unknown.append(name)
    if unknown:
        names = ", ".join("{" + n + "}" for n in unknown)
        known = ", ".join("{" + n + "}" for n in PLACEHOLDERS)
        verb = "is not a placeholder" if len(unknown) == 1 else "are not placeholders"
        return f"{names} {verb}. Use {known}."
    return ""


def check_template(title: str, body: str) -> TemplateProblems:
    """Both fields' problems at once, so a form can mark each next to its field."""
    title = title.strip()
    title_problem = ""
    if not title:
        title_problem = "Give the reply a title agents can search for."
    elif len(title) > MAX_TITLE:
        title_problem = f"The title must be at most {MAX_TITLE} characters."
    return TemplateProblems(title=title_problem, body=body_problem(body))


def fill(body: str, values: Mapping[str, str]) -> str:
    """The template with each placeholder replaced by its value ("" when unknown here)."""

    def replace(match: re.Match[str]) -> str:
        piece, name = match.group(0), match.group(1)
        if piece == "{{":
            return "{"
        if piece == "}}":
            return "}"
        if name is None:
            return piece
        return values.get(name.strip(), "")

    return _TOKEN.sub(replace, body)


def shortcut_search(body: str) -> str | None:
    """What follows a leading "/" while the message is one word (a canned reply's shortcut
    being typed, searched by title), else None."""
    if not body.startswith("/") or any(c.isspace() for c in body):
        return None
    return body[1:]


def shortcut_question(body: str) -> str:
    """The question a message that is only a shortcut ("/ref") asks before it goes, or "":
    typed and sent by a quick Enter, it would reach the consumer as "/ref"."""
    word = body.strip()
    if shortcut_search(word) is None:
        return ""
    return (
        f'The message is only "{word[:40]}", which looks like a canned reply\'s shortcut; '
        "choose the reply from the list to insert it. Send it as it is?"
    )
