"""Administration of the channel's after-hours auto-reply (issue 27 item 9): whether a text
that arrives outside the business hours gets an answer, and its words. Sending it is
services/inbound/after_hours.py; the rule is domain/after_hours.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from agent_workspace.domain.after_hours import reply_problem
from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.channels.admin import changing_channel, read_channel, store_setting
from agent_workspace.services.errors import FieldProblems


@dataclass(frozen=True)
class AutoReply:
    """The form's values."""

    enabled: bool = False
    text: str = ""


def auto_reply_setting(*, actor: Actor | None, engine: Engine | None = None) -> AutoReply:
    """The channel's auto-reply, for the administration form."""
    return read_channel(_view, actor=actor, engine=engine)


def update_auto_reply(
    *, actor: Actor | None, setting: AutoReply, engine: Engine | None = None
) -> AutoReply:
    """Stores the auto-reply, its text trimmed. Refused, naming the field: an empty or too
    long text, or turning it on while the channel has no business hours (it answers outside
    them). An unchanged form writes nothing."""
    admin = require_role(actor, Role.ADMIN)
    wanted = AutoReply(enabled=setting.enabled is True, text=setting.text.strip())
    problems: dict[str, str] = {}
    if (wanted.enabled or wanted.text) and (problem := reply_problem(wanted.text)):
        problems["text"] = problem
    with changing_channel(admin, engine) as (session, channel):
        if wanted.enabled and channel.hours_zone is None:
            problems["enabled"] = (
                "Set the business hours first: the auto-reply answers texts outside them."
            )
        if problems:
            raise FieldProblems(problems)

        def write(channel: Channel) -> None:
            channel.after_hours_reply, channel.after_hours_text = wanted.enabled, wanted.text

        _, after = store_setting(
            session, admin, channel, AuditAction.CHANNEL_AUTO_REPLY_CHANGED, _view, write
        )
        return after


def _view(channel: Channel) -> AutoReply:
    return AutoReply(enabled=channel.after_hours_reply, text=channel.after_hours_text)
