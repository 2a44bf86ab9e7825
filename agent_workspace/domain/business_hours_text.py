"""The administrator's text form of business hours, holidays and time zone, read and written.

Hours are parts separated by ";", each naming days then spans:
"Mon-Fri 09:00-12:00, 13:00-17:00; Sat 10:00-14:00". Days are Mon..Sun (or full names, any
case), singly, as ranges (which may wrap: "Fri-Mon") or comma lists; spans are HH:MM-HH:MM, with
24:00 for midnight at the end of a day; "closed" opens nothing. Days not named are closed; a day
named in two parts opens in both. Holidays are ISO dates, one per line or separated by "," or
";", each optionally followed by its name: "2026-12-25 Christmas Day".

Every problem found is reported at once, each saying where it is and how to write it instead
(HoursTextError.problems), so the form can show them all.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar
from zoneinfo import available_timezones

from agent_workspace.domain.business_hours import (
    DAY_MINUTES,
    DAY_NAMES,
    Calendar,
    Day,
    Span,
    overlaps,
)

EXAMPLE = "Mon-Fri 09:00-17:00; Sat 10:00-14:00"
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAYS = {name.lower(): i for i, name in enumerate(DAY_NAMES)} | {
    name: i for i, name in enumerate(_FULL_NAMES)
}
_PART = re.compile(r"^([^\d]*?)\s*(\d.*)?$")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_CLOSED = "closed"
_T = TypeVar("_T")


class HoursTextError(ValueError):
    """The text cannot be read; `problems` lists each fault in words for the administrator."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(" ".join(problems))
        self.problems = tuple(problems)


def parse_hours(text: str) -> tuple[Day, ...]:
    """The week (Monday first) the text describes; raises HoursTextError."""
    parts = [part.strip() for part in (text or "").split(";")]
    if not any(parts):
        raise HoursTextError([f'Give the opening hours, e.g. "{EXAMPLE}".'])
    problems: list[str] = []
    opened: list[list[Span]] = [[] for _ in DAY_NAMES]
    for number, part in enumerate(parts, start=1):
        if not part:
            continue
        where = f'Part {number} ("{part}")' if len(parts) > 1 else f'"{part}"'
        days, spans = _read_part(part, where, problems)
        for day in days:
            opened[day].extend(spans)
    week = tuple(tuple(sorted(spans)) for spans in opened)
    problems += overlaps(week)
    if not problems and not any(week):
        problems.append(f'The hours open on no day; give at least one, e.g. "{EXAMPLE}".')
    if problems:
        raise HoursTextError(problems)
    return week


def _read_part(part: str, where: str, problems: list[str]) -> tuple[list[int], list[Span]]:
    found = _PART.match(part)
    assert found is not None  # the pattern matches any text
    day_text, span_text = found.group(1).strip(), (found.group(2) or "").strip()
    if day_text.lower().endswith(_CLOSED):
        day_text, span_text = day_text[: -len(_CLOSED)].strip(), _CLOSED
    if not day_text:
        problems.append(f'{where}: name the days first, e.g. "Mon-Fri 09:00-17:00".')
        return [], []
    days = _read_days(day_text, where, problems)
    if not span_text:
        problems.append(f'{where}: give the hours after the days, e.g. "{day_text} 09:00-17:00".')
        return days, []
    if span_text.lower() == _CLOSED:
        return days, []
    spans = [_read_span(piece.strip(), where, problems) for piece in span_text.split(",")]
    return days, [span for span in spans if span is not None]


def _read_days(text: str, where: str, problems: list[str]) -> list[int]:
    days: list[int] = []
    for item in (piece.strip() for piece in text.split(",")):
        ends = [end.strip() for end in item.split("-")]
        known = [_DAYS.get(end.lower()) for end in ends]
        if len(ends) > 2 or not all(ends):
            problems.append(f'{where}: "{item}" is not a day or a range of days, e.g. "Mon-Fri".')
        elif None in known:
            wrong = next(end for end, day in zip(ends, known, strict=True) if day is None)
            problems.append(
                f'{where}: "{wrong}" is not a day; use Mon, Tue, Wed, Thu, Fri, Sat or Sun.'
            )
        else:
            first, last = known[0], known[-1]
            assert first is not None and last is not None
            days += [(first + step) % 7 for step in range((last - first) % 7 + 1)]
    return days


def _read_span(text: str, where: str, problems: list[str]) -> Span | None:
    found = _SPAN.match(text)
    if not found:
        problems.append(f'{where}: "{text}" is not a span of hours; write it as e.g. 09:00-17:00.')
        return None
    start_h, start_m, end_h, end_m = (int(group) for group in found.groups())
    start, end = start_h * 60 + start_m, end_h * 60 + end_m
    for hours, minutes, total in ((start_h, start_m, start), (end_h, end_m, end)):
        if minutes > 59 or total > DAY_MINUTES:
            problems.append(
                f'{where}: "{hours:02d}:{minutes:02d}" is not a time of day; '
                "use HH:MM from 00:00 to 24:00."
            )
            return None
    if end <= start:
        problems.append(
            f'{where}: "{text}" ends before it starts; hours past midnight are two parts, '
            'e.g. "Mon 22:00-24:00; Tue 00:00-06:00".'
        )
        return None
    return Span(start, end)


def hours_text(week: tuple[Day, ...]) -> str:
    """The canonical text of a week: consecutive days with the same hours as one range;
    parse_hours reads it back to the same week."""
    parts: list[str] = []
    day = 0
    while day < 7:
        last = day
        while last + 1 < 7 and week[last + 1] == week[day]:
            last += 1
        if week[day]:
            names = DAY_NAMES[day] if last == day else f"{DAY_NAMES[day]}-{DAY_NAMES[last]}"
            parts.append(f"{names} {', '.join(span.text() for span in week[day])}")
        day = last + 1
    return "; ".join(parts)


def parse_holidays(text: str) -> dict[date, str]:
    """Holiday dates and their names ("" when unnamed); raises HoursTextError."""
    holidays: dict[date, str] = {}
    problems: list[str] = []
    for item in (piece.strip() for piece in re.split(r"[\n;,]", text or "")):
        if not item:
            continue
        first, _, name = item.partition(" ")
        try:
            day = date.fromisoformat(first) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", first) else None
        except ValueError:
            day = None
        if day is None:
            problems.append(f'"{first}" is not a date; write dates as YYYY-MM-DD, e.g. 2026-12-25.')
        elif day in holidays:
            problems.append(f"{first} is given twice; give each holiday once.")
        else:
            holidays[day] = name.strip()
    if problems:
        raise HoursTextError(problems)
    return holidays


def parse_zone(text: str) -> str:
    """The IANA zone named; raises HoursTextError for an unknown one."""
    name = (text or "").strip()
    if name in available_timezones():
        return name
    said = f'"{name}" is not' if name else "Give"
    raise HoursTextError([f"{said} a time zone; use an IANA name such as America/New_York."])


def calendar_from_text(*, zone: str, hours: str, holidays: str = "") -> Calendar:
    """A calendar from the administration form's three fields; every problem in one error."""
    problems: list[str] = []
    read_zone = _attempt(parse_zone, zone, problems)
    week = _attempt(parse_hours, hours, problems)
    days = _attempt(parse_holidays, holidays, problems)
    if read_zone is None or week is None or days is None:
        raise HoursTextError(problems)
    return Calendar(read_zone, week, frozenset(days))


def _attempt(read: Callable[[str], _T], text: str, problems: list[str]) -> _T | None:
    try:
        return read(text)
    except HoursTextError as error:
        problems += error.problems
        return None
