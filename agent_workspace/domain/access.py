"""Who may do what to an interaction: the one rule, over plain facts.

- VIEW: open it, read it, Send from it, write a note: any agent.
- WORK: change it (close it, edit its Details, opt its phone out at the consumer's request):
  its assignee, a member of its live group, or a supervisor.
- SUPERVISE: the board's actions (join, leave, take over): a supervisor.
- REASSIGN: hand it to another agent: a supervisor, or an administrator when the agent who
  holds it is deactivated (the administrator who took them off the desk hands on their work).

The services gather the facts (services/access.access_interaction) and ask `may`; a refusal
names the interaction (`work_refusal`).
"""

from dataclasses import dataclass
from enum import StrEnum


class Need(StrEnum):
    """What an action needs of the actor on the interaction it touches."""

    VIEW = "view"
    WORK = "work"
    SUPERVISE = "supervise"
    REASSIGN = "reassign"


@dataclass(frozen=True)
class Standing:
    """The actor's standing on one interaction (roles are checked before: VIEW and WORK need
    the agent role, SUPERVISE the supervisor role)."""

    supervisor: bool
    assignee: bool = False
    member: bool = False
    admin: bool = False
    holder_deactivated: bool = False  # the agent who holds it may no longer sign in


def may(need: Need, standing: Standing) -> bool:
    if need is Need.VIEW:
        return True
    if need is Need.SUPERVISE:
        return standing.supervisor
    if need is Need.REASSIGN:
        return standing.supervisor or (standing.admin and standing.holder_deactivated)
    return standing.assignee or standing.member or standing.supervisor


def refusal(need: Need, number: str) -> str:
    """Why the actor may not do what `need` asks on interaction `number`."""
    if need is Need.REASSIGN:
        return (
            f"Only a supervisor can reassign {number}, or an administrator when its agent is "
            "deactivated."
        )
    if need is Need.SUPERVISE:
        return f"Only a supervisor can do that to {number}."
    return f"Only the assigned agent, the live group or a supervisor can change {number}."
