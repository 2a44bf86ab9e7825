"""Where an SMS goes: the routing decision of SPEC.md "What Send does", as one pure function.

The service gathers the facts (who the agent writes to, the phone's active profile, the active
interactions for the channel and phone) into a SendSituation, asks decide_send what must
happen, and applies every effect in one transaction. Keeping the decision here means each
workflow row is tested by name without a database, and the service cannot half-apply a row.

Beyond the four rows, two repairs keep the data true: an active interaction for the same phone
that is not the one receiving the message is closed (there should only ever be one), and a send
always leaves the phone with an active profile for the person written to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Workflow(StrEnum):
    """The SPEC.md workflow row a send follows; stored in the audit row."""

    NO_ACTIVE = "no_active_interaction"
    ACTIVE_LIVE_AGENT = "active_with_live_agent"
    ACTIVE_VIRTUAL_AGENT = "active_with_virtual_agent"
    ACTIVE_DIFFERENT_USER = "active_with_different_user"


class PersonKind(StrEnum):
    """Which table a person lives in; a consumer and a contact may share an id."""

    CONSUMER = "consumer"
    CONTACT = "contact"


@dataclass(frozen=True)
class PersonRef:
    """A consumer or contact, compared by kind and id."""

    kind: PersonKind
    id: int


@dataclass(frozen=True)
class ProfileRef:
    """An active channel user profile and the person it links the phone to."""

    id: int
    person: PersonRef


@dataclass(frozen=True)
class ActiveInteraction:
    """An open messaging interaction for the recipient's phone on the SMS channel.

    Attributes:
        number: Shown to people, e.g. "IMS0001003".
        virtual_agent: Held by the virtual agent rather than a live agent.
        assigned_agent_id: The live agent it is assigned to, if any.
        live_group: Agents currently in its live group.
        opened_at: Timezone-aware; the most recent wins when several are active.
    """

    id: int
    number: str
    profile_id: int | None
    virtual_agent: bool
    assigned_agent_id: int | None
    live_group: frozenset[int]
    opened_at: datetime


@dataclass(frozen=True)
class SendSituation:
    """Everything the send decision depends on.

    Attributes:
        agent_id: The sending agent.
        person: Who the agent is writing to, as decided by the profile resolver.
        active_profile: The channel's active profile for the recipient phone, if any.
        active: Active messaging interactions for (channel, phone); normally 0 or 1.
    """

    agent_id: int
    person: PersonRef
    active_profile: ProfileRef | None
    active: tuple[ActiveInteraction, ...]


@dataclass(frozen=True)
class SendDecision:
    """What the service must do, effect by effect, for one send.

    Exactly one of create_profile_for / use_profile_id is set: afterwards the phone has an
    active profile for the person written to. Exactly one of create_interaction /
    target_interaction_id holds. The *_numbers fields mirror the ids for describe().
    """

    workflow: Workflow
    close_interaction_ids: tuple[int, ...]
    deactivate_profile_id: int | None
    create_profile_for: PersonRef | None
    use_profile_id: int | None
    create_interaction: bool
    target_interaction_id: int | None
    assign_to_agent_id: int | None
    join_live_group_agent_id: int | None
    close_interaction_numbers: tuple[str, ...] = ()
    target_interaction_number: str | None = None

    def describe(self) -> str:
        """Say in plain words what the send did, for the agent's toast and the audit row."""
        return "; ".join(step.format_map(_DONE) for step in self._steps())

    def plan(self) -> str:
        """The same as what Send will do, for the composer's line before the agent sends."""
        steps = [step.format_map(_TO_DO) for step in self._steps()]
        return ", ".join(steps[:-1]) + " and " + steps[-1] if len(steps) > 1 else steps[0]

    def followed_by(self, target_id: int, number: str, profile_id: int | None) -> SendDecision:
        """What the same Send decides right after this one was applied: whatever this one
        closed, opened or joined, the phone now has one active interaction, `target_id`, with
        the agent in its live group and the person's profile, so the message only joins it
        (what decide_send returns for that situation, without gathering it again)."""
        return SendDecision(
            workflow=Workflow.ACTIVE_LIVE_AGENT,
            close_interaction_ids=(),
            deactivate_profile_id=None,
            create_profile_for=None,
            use_profile_id=profile_id,
            create_interaction=False,
            target_interaction_id=target_id,
            assign_to_agent_id=None,
            join_live_group_agent_id=None,
            target_interaction_number=number,
        )

    def _steps(self) -> list[str]:
        """Each step with its verbs as {placeholders}, said in either tense."""
        steps = [self._closing()] if self.close_interaction_ids else []
        if self.deactivate_profile_id is not None:
            steps.append("{deactivate} the previous person's profile for this number")
        if self.create_profile_for is not None:
            steps.append(f"{{create}} a profile for the {self.create_profile_for.kind}")
        if self.create_interaction:
            steps.append("{open} a new interaction")
        else:
            appended = f"{{add}} the message to interaction {self.target_interaction_number}"
            if self.join_live_group_agent_id is not None:
                appended += " and {join} its live group"
            steps.insert(0, appended)
        return steps

    def _closing(self) -> str:
        numbers = ", ".join(self.close_interaction_numbers)
        several = len(self.close_interaction_ids) > 1
        noun = "interactions" if several else "interaction"
        if self.workflow is Workflow.ACTIVE_LIVE_AGENT:
            return f"{{close}} duplicate {noun} {numbers}"
        if self.workflow is Workflow.ACTIVE_VIRTUAL_AGENT:
            if several:
                return f"{{close}} {noun} {numbers}, including the virtual agent's"
            return f"{{close}} virtual-agent interaction {numbers}"
        return f"{{close}} {noun} {numbers} of the person who had this number"


_DONE = {
    "add": "added",
    "close": "closed",
    "create": "created",
    "deactivate": "deactivated",
    "join": "joined",
    "open": "opened",
}
_TO_DO = {verb: verb for verb in _DONE}


@dataclass(frozen=True)
class InboundDecision:
    """Where an inbound SMS goes.

    Attributes:
        target_interaction_id: The active interaction that receives it; None: open one held by
            the virtual agent (the service finds the person and profile).
        close_interaction_ids: Surplus active interactions, closed as repair.
    """

    target_interaction_id: int | None
    close_interaction_ids: tuple[int, ...]


def decide_send(s: SendSituation) -> SendDecision:
    """Decide what an agent's send does, following SPEC.md "What Send does".

    Priority when several rows apply: different user > virtual agent > live agent > none.
    With no active interaction, a profile held by someone else is still replaced (row 1).
    """
    ordered = _by_opening(s.active)
    profile = s.active_profile
    different_user = profile is not None and profile.person != s.person
    kept_profile_id = profile.id if profile is not None and not different_user else None
    workflow = _workflow(ordered, different_user=different_user)
    target = ordered[-1] if workflow is Workflow.ACTIVE_LIVE_AGENT else None
    closed = [i for i in ordered if i is not target]
    if target is None:
        join: int | None = s.agent_id
    else:
        join = None if s.agent_id in target.live_group else s.agent_id
    return SendDecision(
        workflow=workflow,
        close_interaction_ids=tuple(i.id for i in closed),
        deactivate_profile_id=profile.id if profile is not None and different_user else None,
        create_profile_for=s.person if kept_profile_id is None else None,
        use_profile_id=kept_profile_id,
        create_interaction=target is None,
        target_interaction_id=None if target is None else target.id,
        assign_to_agent_id=s.agent_id if target is None else None,
        join_live_group_agent_id=join,
        close_interaction_numbers=tuple(i.number for i in closed),
        target_interaction_number=None if target is None else target.number,
    )


def _workflow(ordered: list[ActiveInteraction], *, different_user: bool) -> Workflow:
    if not ordered:
        return Workflow.NO_ACTIVE
    if different_user:
        return Workflow.ACTIVE_DIFFERENT_USER
    if any(i.virtual_agent for i in ordered):
        return Workflow.ACTIVE_VIRTUAL_AGENT
    return Workflow.ACTIVE_LIVE_AGENT


def decide_inbound(active: tuple[ActiveInteraction, ...]) -> InboundDecision:
    """Decide which interaction an inbound SMS joins: the most recently opened active one."""
    ordered = _by_opening(active)
    if not ordered:
        return InboundDecision(None, close_interaction_ids=())
    *surplus, target = ordered
    return InboundDecision(
        target_interaction_id=target.id,
        close_interaction_ids=tuple(i.id for i in surplus),
    )


def _by_opening(active: tuple[ActiveInteraction, ...]) -> list[ActiveInteraction]:
    """Oldest first, so the last is the one to keep; the id breaks ties deterministically."""
    return sorted(active, key=lambda i: (i.opened_at, i.id))


@dataclass(frozen=True)
class Confirmation:
    """Why a send needs the agent's explicit yes: it closes interactions other agents hold
    (their numbers and assignees), and/or moves the number to another person."""

    closes: tuple[tuple[str, int], ...]
    moves_number_from: PersonRef | None


def confirmation_needed(s: SendSituation, d: SendDecision) -> Confirmation | None:
    """A send that changes someone else's work asks first: it closes another agent's
    interaction, or moves the number from one person to another (workflow 4, or row 1 replacing
    a profile). Closing the virtual agent's interaction (workflow 3) or one's own does not."""
    closing = {i.id: i for i in s.active if i.id in d.close_interaction_ids}
    others = tuple(
        (i.number, i.assigned_agent_id)
        for i in closing.values()
        if i.assigned_agent_id is not None and i.assigned_agent_id != s.agent_id
    )
    moved = (
        s.active_profile.person
        if d.deactivate_profile_id is not None and s.active_profile is not None
        else None
    )
    if not others and moved is None:
        return None
    return Confirmation(closes=others, moves_number_from=moved)
