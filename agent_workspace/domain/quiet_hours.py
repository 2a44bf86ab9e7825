"""Quiet hours: when a text may reach a consumer, judged in their local time.

A channel's policy allows a window (default 08:00-21:00) in the recipient's local time, with
stricter windows for regions whose law asks for them (US states, read from the number by
phonenumbers' geographic data: Florida, Oklahoma, Maryland, Mississippi and New Jersey
08:00-20:00, Connecticut 09:00-20:00, Texas 09:00-21:00 and from noon on Sunday). A reply within
`reply_exempt_hours` of the consumer's last message is exempt (they are in a conversation); a
first or proactive message is not.

Outside the window the agent is told so before anything is sent and offered the next opening
(`Verdict.opens_at`) or an override with a reason (audited by the service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import phonenumbers
from phonenumbers import geocoder

from agent_workspace.domain.consumer_time import ConsumerZone, zone_name

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Window:
    """Allowed hours on one day, local time: from `start` up to (not including) `end`."""

    start: time
    end: time

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError("a window ends after it starts")

    def text(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


@dataclass(frozen=True)
class Hours:
    """The allowed window for each weekday (Monday first); None: no texts that day."""

    days: tuple[Window | None, ...]
    region: str = ""  # e.g. "Florida": why these hours, for the words shown

    def __post_init__(self) -> None:
        if len(self.days) != 7:
            raise ValueError("hours name all seven weekdays")

    @classmethod
    def daily(cls, start: time, end: time, region: str = "") -> Hours:
        return cls((Window(start, end),) * 7, region)

    def on(self, day: date) -> Window | None:
        return self.days[day.weekday()]

    def text(self) -> str:
        """E.g. "08:00-20:00" or "09:00-21:00, Sunday 12:00-21:00"."""
        common = max(set(self.days), key=self.days.count)
        parts = [common.text() if common else "none"]
        for name, window in zip(DAYS, self.days, strict=True):
            if window != common:
                parts.append(f"{name} {window.text() if window else 'none'}")
        return ", ".join(parts)


DEFAULT_WINDOW = Window(time(8), time(21))

STATE_HOURS: dict[str, Hours] = {
    "FL": Hours.daily(time(8), time(20), "Florida"),
    "OK": Hours.daily(time(8), time(20), "Oklahoma"),
    "MD": Hours.daily(time(8), time(20), "Maryland"),
    "MS": Hours.daily(time(8), time(20), "Mississippi"),
    "NJ": Hours.daily(time(8), time(20), "New Jersey"),
    "CT": Hours.daily(time(9), time(20), "Connecticut"),
    "TX": Hours((Window(time(9), time(21)),) * 6 + (Window(time(12), time(21)),), "Texas"),
}
"""US states whose law narrows the hours for texts to consumers (by two-letter code)."""

_STATE_NAMES = {hours.region: code for code, hours in STATE_HOURS.items()}
_CITY_STATE = re.compile(r",\s*([A-Z]{2})$")


@dataclass(frozen=True)
class Policy:
    """A channel's quiet hours (administration).

    Attributes:
        enabled: Whether quiet hours are judged at all.
        window: The allowed window every day, where no region rule narrows it.
        state_rules: Whether the US state rules (STATE_HOURS) apply.
        reply_exempt_hours: A reply within this many hours of the consumer's last message goes
            at any hour; 0 exempts nothing.
    """

    enabled: bool = True
    window: Window = DEFAULT_WINDOW
    state_rules: bool = True
    reply_exempt_hours: int = 24
    overrides: dict[str, Hours] = field(default_factory=dict, compare=False, hash=False)


def us_state(e164: str) -> str | None:
    """The two-letter US state phonenumbers places `e164` in, or None (not US, or unknown)."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.region_code_for_number(number) != "US":
        return None
    where = geocoder.description_for_number(number, "en")
    if found := _CITY_STATE.search(where):
        return found.group(1)
    return _STATE_NAMES.get(where) or _US_STATE_CODES.get(where)


def hours_for(e164: str, policy: Policy) -> Hours:
    """The hours that apply to texts to `e164` under `policy`."""
    state = us_state(e164)
    if state and state in policy.overrides:
        return policy.overrides[state]
    if policy.state_rules and state in STATE_HOURS:
        return _narrowest(STATE_HOURS[state], policy.window)
    return Hours.daily(policy.window.start, policy.window.end)


def _narrowest(hours: Hours, window: Window) -> Hours:
    """The state's hours, never wider than the channel's own window."""

    def narrow(day: Window | None) -> Window | None:
        if day is None:
            return None
        start, end = max(day.start, window.start), min(day.end, window.end)
        return Window(start, end) if start < end else None

    return Hours(tuple(narrow(day) for day in hours.days), hours.region)


def is_exempt(policy: Policy, *, now: datetime, last_inbound_at: datetime | None) -> bool:
    """Whether this send is a reply within the exempt period of the consumer's last message."""
    if not policy.enabled:
        return True
    if last_inbound_at is None or policy.reply_exempt_hours <= 0:
        return False
    return timedelta(0) <= now - last_inbound_at <= timedelta(hours=policy.reply_exempt_hours)


def allowed_in(moment: datetime, zone: str, hours: Hours) -> bool:
    """Whether `moment` falls inside `hours` in `zone`."""
    local = moment.astimezone(ZoneInfo(zone))
    window = hours.on(local.date())
    return window is not None and window.start <= local.time() < window.end


def next_opening_in(moment: datetime, zone: str, hours: Hours) -> datetime | None:
    """The first moment at or after `moment` allowed in `zone` (UTC), within a week; None when
    the hours allow nothing. A start that falls in a daylight-saving gap opens when the clocks
    have moved on."""
    tz = ZoneInfo(zone)
    today = moment.astimezone(tz).date()
    for offset in range(8):
        day = today + timedelta(days=offset)
        window = hours.on(day)
        if window is None:
            continue
        opens = _instant(day, window.start, tz)
        closes = _instant(day, window.end, tz)
        if moment < closes:
            return max(moment, opens)
    return None


def _instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC moment of local `at` on `day` (fold 0: the first of a repeated hour; a time in
    a gap lands after it)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)


@dataclass(frozen=True)
class Verdict:
    """What quiet hours say of sending now.

    Attributes:
        allowed: Whether it may go now.
        opens_at: When it may go (UTC), when not now; None when no time fits.
        words: Why not, for the agent ("" when allowed).
    """

    allowed: bool
    opens_at: datetime | None = None
    words: str = ""


ALLOWED = Verdict(True)


def judge(
    now: datetime,
    *,
    e164: str,
    where: ConsumerZone,
    policy: Policy,
    last_inbound_at: datetime | None,
) -> Verdict:
    """May a text go to `e164` now? Allowed when quiet hours are off, the send is an exempt
    reply, or `now` is inside the hours in every zone the consumer may be in (their stored or
    the number's zone; every candidate when the number spans several)."""
    if now.tzinfo is None:
        raise ValueError("a naive datetime has no moment to judge")
    if is_exempt(policy, now=now, last_inbound_at=last_inbound_at):
        return ALLOWED
    zones = (where.zone,) if where.zone else where.candidates
    if not zones:
        return ALLOWED  # nothing known of their time: nothing to judge by
    hours = hours_for(e164, policy)
    if all(allowed_in(now, zone, hours) for zone in zones):
        return ALLOWED
    opens = _common_opening(now, zones, hours)
    return Verdict(False, opens, _words(now, zones, hours, opens))


def before_send(verdict: Verdict) -> str | None:
    """What the composer says while the agent types when Send would meet quiet hours ("" is
    never said: None when the text may go now)."""
    if verdict.allowed:
        return None
    return f"Quiet hours: {verdict.words} Send asks first; Schedule… picks another time."


def _common_opening(moment: datetime, zones: tuple[str, ...], hours: Hours) -> datetime | None:
    """The first moment allowed in every zone, or None when none comes within a fortnight."""
    limit = moment + timedelta(days=14)
    while moment < limit:
        openings = [next_opening_in(moment, zone, hours) for zone in zones]
        if any(opening is None for opening in openings):
            return None
        latest = max(o for o in openings if o is not None)
        if latest == moment:
            return moment
        moment = latest
    return None


def _words(now: datetime, zones: tuple[str, ...], hours: Hours, opens: datetime | None) -> str:
    where = f" in {hours.region}" if hours.region else ""
    if len(zones) == 1:
        local = now.astimezone(ZoneInfo(zones[0]))
        said = f"It is {local:%H:%M} for them ({zone_name(zones[0])})"
    else:
        said = "Their number spans several time zones and it is outside the hours in some"
    rule = f"texts go {hours.text()} their time{where}"
    if opens is None:
        return f"{said}: {rule}, and no time fits every zone; set the person's time zone."
    return f"{said}: {rule}. The next opening is {opening_text(opens, zones)}."


def opening_text(opens: datetime, zones: tuple[str, ...]) -> str:
    """E.g. "08:00 their time (Tuesday)" for the prompt's Send-later button."""
    local = opens.astimezone(ZoneInfo(zones[0]))
    return f"{local:%H:%M} their time ({DAYS[local.weekday()]})"


def scheduled_text(at: datetime, zones: tuple[str, ...]) -> str:
    """E.g. "Scheduled for 08:00 their time (Tue)" on a scheduled message's bubble; in UTC
    when nothing is known of their zone."""
    if not zones:
        return f"Scheduled for {at.astimezone(UTC):%H:%M} UTC ({DAYS[at.weekday()][:3]})"
    local = at.astimezone(ZoneInfo(zones[0]))
    return f"Scheduled for {local:%H:%M} their time ({DAYS[local.weekday()][:3]})"


_US_STATE_CODES = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Delaware": "DE", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID",
    "Illinois": "IL", "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY",
    "Louisiana": "LA", "Maine": "ME", "Massachusetts": "MA", "Michigan": "MI",
    "Minnesota": "MN", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Mexico": "NM", "New York": "NY", "North Carolina": "NC",
    "North Dakota": "ND", "Ohio": "OH", "Oregon": "OR", "Pennsylvania": "PA",
    "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD", "Tennessee": "TN",
    "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA", "Washington": "WA",
    "Washington D.C.": "DC", "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}  # fmt: skip
