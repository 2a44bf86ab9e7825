"""The Messages list as Twilio documents it: DateSent filters, order, and page tokens.

- DateSent is set when a message is sent (outbound) or posted to the webhook (inbound); a
  queued, accepted or scheduled message has none, so no DateSent filter ever matches it.
- `DateSent=D` means sent on that GMT day, `DateSent>=D` on or after its midnight,
  `DateSent<=D` on or before that day. A date-time instead of a date (the SDK sends
  `YYYY-MM-DDTHH:MM:SSZ` for a datetime) is taken as that instant, inclusive.
- "Sorted on the DateSent field with the most recent messages appearing first". Twilio does
  not say where messages without a DateSent go; the simulator puts them on top (they are the
  newest: not even sent yet), newest created first.
- Pages continue after a `PageToken` naming the last item served (Twilio's tokens are
  `PA` + that item's SID); the place is kept in the token, so messages created while a client
  pages never shift what the next page holds. One sent while it pages moves from the unsent top
  to its DateSent place, so it may be listed again on a later page, never skipped. `Page` is only
  client state.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parsedate_to_datetime

from agent_workspace.sms.simulator.store import SimMessage

SortKey = tuple[int, int, int, str]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class BadListQuery(ValueError):
    """A list query Twilio would refuse (answered 400, code 20001)."""


@dataclass(frozen=True)
class Window:
    """An inclusive range of DateSent values; either end may be open."""

    start: datetime | None = None
    end: datetime | None = None

    def holds(self, when: datetime | None) -> bool:
        if when is None:
            return False
        when = when.replace(microsecond=0)  # Twilio's dates have whole seconds
        return (self.start is None or when >= self.start) and (self.end is None or when <= self.end)


def parse_when(value: str) -> datetime | date:
    """A GMT date (`YYYY-MM-DD`) or a date-time (ISO 8601 or RFC 2822) from a query value."""
    text = value.strip()
    if len(text) == 10:
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            raise BadListQuery(f"Invalid date value: {value!r}") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _day(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(), tzinfo=UTC)
    return start, start + timedelta(days=1) - timedelta(seconds=1)


def date_sent_window(query: Mapping[str, str]) -> Window | None:
    """The DateSent range a query asks for, or None when it has no DateSent filter."""
    start: datetime | None = None
    end: datetime | None = None
    given = False
    for name, value in query.items():
        if name not in ("DateSent", "DateSent>", "DateSent<"):
            continue
        given = True
        when = parse_when(value)
        if isinstance(when, datetime):
            first = last = when.replace(microsecond=0)
            if name == "DateSent":
                first, last = _day(when.date())
        else:
            first, last = _day(when)
        if name in ("DateSent", "DateSent>"):
            start = first if start is None else max(start, first)
        if name in ("DateSent", "DateSent<"):
            end = last if end is None else min(end, last)
    return Window(start, end) if given else None


def _micros(when: datetime) -> int:
    return (when - _EPOCH) // timedelta(microseconds=1)


def sort_key(message: SimMessage) -> SortKey:
    """Ascending order of this key is Twilio's list order (see the module docstring)."""
    created = -_micros(message.date_created)
    if message.date_sent is None:
        return (0, created, 0, message.sid)
    return (1, -_micros(message.date_sent), created, message.sid)


def page_token(key: SortKey) -> str:
    """A token that continues after the item with this key."""
    group, first, second, sid = key
    return f"PA{sid}_{group}_{first}_{second}"


def _after_token(token: str) -> SortKey:
    try:
        sid, group, first, second = token.removeprefix("PA").split("_")
        return (int(group), int(first), int(second), sid)
    except ValueError:
        raise BadListQuery(f"Invalid PageToken: {token!r}") from None


@dataclass(frozen=True)
class Page:
    items: list[SimMessage]
    next_token: str | None


def list_page(
    messages: Sequence[SimMessage],
    *,
    where: Callable[[SimMessage], bool],
    page_size: int,
    token: str | None,
) -> Page:
    """One page of the messages `where` accepts, in Twilio's order, after `token`."""
    ordered = sorted((m for m in messages if where(m)), key=sort_key)
    if token:
        after = _after_token(token)
        ordered = [m for m in ordered if sort_key(m) > after]
    items = ordered[:page_size]
    more = len(ordered) > page_size
    return Page(items, page_token(sort_key(items[-1])) if more and items else None)
