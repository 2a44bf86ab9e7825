"""Administration of the SMS channel's STOP policy (issue 26 item 6): whether a STOP to one of
its numbers stops every number of it (on by default), or each number on its own as Twilio
scopes it. The rule itself is domain/consent.py stop_for; every check reads the stored value."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.channels.admin import changing_channel, read_channel


def stop_channel_wide(*, actor: Actor | None, engine: Engine | None = None) -> bool:
    """Whether a STOP to one number stops every number of the channel, for the admin form."""
    return read_channel(_view, actor=actor, engine=engine)


def set_stop_channel_wide(*, actor: Actor | None, on: bool, engine: Engine | None = None) -> bool:
    """Stores the policy (audited); the next Send, preview and claim follow it. The value it
    already has writes nothing."""
    admin = require_role(actor, Role.ADMIN)
    with changing_channel(admin, engine) as (session, channel):
        if channel.stop_channel_wide == on:
            return on
        channel.stop_channel_wide = on
        session.add(channel)
        record(
            session=session,
            actor=admin,
            action=AuditAction.CHANNEL_STOP_POLICY_CHANGED,
            entity=channel,
            detail={"before": not on, "after": on},
        )
        return on


def _view(channel: Channel) -> bool:
    return channel.stop_channel_wide
