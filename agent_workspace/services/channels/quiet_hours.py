"""Administration of the SMS channel's quiet hours (issue 26 item 2): whether they apply, the
allowed window in the recipient's local time, the US state rules, and how long after the
consumer's last message a reply is exempt. The rule itself is domain/quiet_hours.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.channels.admin import changing_channel, read_channel, store_setting
from agent_workspace.services.errors import FieldProblems

MAX_EXEMPT_HOURS = 24 * 7


@dataclass(frozen=True)
class QuietHours:
    """The form's values: times as "HH:MM" in the recipient's local time."""

    enabled: bool = True
    start: str = "08:00"
    end: str = "21:00"
    state_rules: bool = True
    reply_exempt_hours: int = 24


def quiet_hours(*, actor: Actor | None, engine: Engine | None = None) -> QuietHours:
    """The channel's quiet hours, for the administration form."""
    return read_channel(_view, actor=actor, engine=engine)


def update_quiet_hours(
    *, actor: Actor | None, hours: QuietHours, engine: Engine | None = None
) -> QuietHours:
    """Stores the channel's quiet hours; refuses a window that ends before it starts or an
    exemption out of range, naming the field. An unchanged form writes nothing."""
    admin = require_role(actor, Role.ADMIN)
    start, end = _checked(hours)
    with changing_channel(admin, engine) as (session, channel):

        def write(channel: Channel) -> None:
            channel.quiet_hours_enabled = hours.enabled
            channel.quiet_start_minute, channel.quiet_end_minute = start, end
            channel.quiet_state_rules = hours.state_rules
            channel.quiet_reply_exempt_hours = hours.reply_exempt_hours

        _, after = store_setting(
            session, admin, channel, AuditAction.CHANNEL_QUIET_HOURS_CHANGED, _view, write
        )
        return after


def _checked(hours: QuietHours) -> tuple[int, int]:
    problems: dict[str, str] = {}
    start, end = _minute(hours.start), _minute(hours.end)
    if start is None:
        problems["start"] = f"{hours.start!r} is not a time of day (e.g. 08:00)."
    if end is None:
        problems["end"] = f"{hours.end!r} is not a time of day (e.g. 21:00)."
    if start is not None and end is not None and end <= start:
        problems["end"] = (
            f"The window must end after it starts ({hours.start} to {hours.end}); a window "
            "across midnight is not allowed."
        )
    if not 0 <= hours.reply_exempt_hours <= MAX_EXEMPT_HOURS:
        problems["reply_exempt_hours"] = (
            f"The reply exemption must be 0 to {MAX_EXEMPT_HOURS} hours "
            "(0: replies are not exempt)."
        )
    if problems:
        raise FieldProblems(problems)
    assert start is not None and end is not None
    return start, end


def _minute(text: str) -> int | None:
    """Minutes after midnight of "HH:MM", or None."""
    hour, sep, minute = text.strip().partition(":")
    if not sep or not (hour.isdigit() and minute.isdigit()) or len(minute) != 2:
        return None
    h, m = int(hour), int(minute)
    return h * 60 + m if 0 <= h <= 23 and 0 <= m <= 59 else None


def _view(channel: Channel) -> QuietHours:
    return QuietHours(
        enabled=channel.quiet_hours_enabled,
        start=_hhmm(channel.quiet_start_minute),
        end=_hhmm(channel.quiet_end_minute),
        state_rules=channel.quiet_state_rules,
        reply_exempt_hours=channel.quiet_reply_exempt_hours,
    )


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"
