"""Administration of the SMS channel's automatic assignment (issue 27 item 2): whether new
inbound conversations go to Available agents, and how many open conversations each agent takes
at most. The rule is domain/assignment.py; the service that applies it is
services/interactions/assignment.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction
from agent_workspace.services.channels.admin import changing_channel, read_channel, store_setting
from agent_workspace.services.errors import FieldProblems
from agent_workspace.services.interactions.assignment import hand_out_waiting

MAX_CAPACITY = 100


@dataclass(frozen=True)
class Assignment:
    """The form's values."""

    enabled: bool = False
    capacity: int = 5


def assignment(*, actor: Actor | None, engine: Engine | None = None) -> Assignment:
    """The channel's assignment setting, for the administration form."""
    return read_channel(_view, actor=actor, engine=engine)


def update_assignment(
    *, actor: Actor | None, setting: Assignment, engine: Engine | None = None
) -> Assignment:
    """Stores the setting; turned on (or given more room), the queue is handed out at once to
    the Available agents. A capacity out of range is refused, naming the field; an unchanged
    form writes nothing."""
    admin = require_role(actor, Role.ADMIN)
    if type(setting.capacity) is not int or not 1 <= setting.capacity <= MAX_CAPACITY:
        raise FieldProblems(
            {
                "capacity": f"Each agent takes 1 to {MAX_CAPACITY} open conversations at most "
                f"(not {setting.capacity!r})."
            }
        )
    with changing_channel(admin, engine) as (session, channel):

        def write(channel: Channel) -> None:
            channel.auto_assign, channel.assign_capacity = setting.enabled, setting.capacity

        before, after = store_setting(
            session, admin, channel, AuditAction.CHANNEL_ASSIGNMENT_CHANGED, _view, write
        )
        if after != before and after.enabled:
            session.flush()
            assert channel.id is not None
            hand_out_waiting(session, channel_ids=[channel.id])
        return after


def _view(channel: Channel) -> Assignment:
    return Assignment(enabled=channel.auto_assign, capacity=channel.assign_capacity)
