"""Who may do what to an interaction: the one rule, over plain facts.

- VIEW: open it, read it, Send from it, write a note: any agent.
- WORK: change it (close it, edit its Details): its assignee, a member of its live group, or a
  supervisor.
- SUPERVISE: the board's actions (join, leave, reassign, take over): a supervisor.

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


@dataclass(frozen=True)
class Standing:
    """The actor's standing on one interaction (roles are checked before: VIEW and WORK need
    the agent role, SUPERVISE the supervisor role)."""

    supervisor: bool
    assignee: bool = False
    member: bool = False


def may(need: Need, standing: Standing) -> bool:
    if need is Need.VIEW:
        return True
    if need is Need.SUPERVISE:
        return standing.supervisor
    return standing.assignee or standing.member or standing.supervisor


def work_refusal(number: str) -> str:
    return f"Only the assigned agent, the live group or a supervisor can change {number}."
