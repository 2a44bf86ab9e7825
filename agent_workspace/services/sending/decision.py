"""The routing decision of a Send: its facts gathered (domain/routing.py decides) and every
effect applied, in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from agent_workspace.domain.routing import (
    ActiveInteraction,
    PersonKind,
    PersonRef,
    SendDecision,
    SendSituation,
    decide_send,
)
from agent_workspace.models import (
    Interaction,
    InteractionState,
    InteractionType,
    LiveGroupReason,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.interactions.active import active_views
from agent_workspace.services.interactions.lifecycle import close_interaction, open_interaction
from agent_workspace.services.interactions.lists import watcher_ids
from agent_workspace.services.interactions.live_group import join_live_group
from agent_workspace.services.interactions.notices import notify
from agent_workspace.services.people.directory import add_person, get_people
from agent_workspace.services.people.profiles import create_profile, deactivate_profile
from agent_workspace.services.people.resolvers import ProfileResolver, Resolution


def send_situation(
    *,
    agent: Actor,
    person: PersonRef,
    resolution: Resolution,
    active: tuple[ActiveInteraction, ...],
) -> SendSituation:
    return SendSituation(
        agent_id=agent.user_id,
        person=person,
        active_profile=resolution.active_profile,
        active=active,
    )


@dataclass(frozen=True)
class Closing:
    """Who hears of the interactions a Send closes, read before the closing ends their live
    groups: whose lists show each, and (number, assignee) of those another agent holds."""

    watchers: dict[int, frozenset[int]]
    holders: list[tuple[str, int]]


def closing_of(session: Session, decision: SendDecision, sender_id: int) -> Closing:
    ids = decision.close_interaction_ids
    found = [session.get(Interaction, i) for i in ids]
    return Closing(
        watchers={closed: frozenset(watcher_ids(session, closed)) for closed in ids},
        holders=[
            (i.number, i.assigned_agent_id)
            for i in found
            if i is not None
            and i.assigned_agent_id is not None
            and i.assigned_agent_id != sender_id
        ],
    )


def tell_closing(
    session: Session, closing: Closing, agent: Actor, phone: str, target: Interaction
) -> None:
    """After commit, the closed interactions' lists change, and each agent who held one is
    told where the conversation went."""
    for closed, watching in closing.watchers.items():
        events.after_commit(session, events.InteractionChanged(closed, watching))
    for closed_number, holder in closing.holders:
        notify(
            session,
            agent_id=holder,
            text=(
                f"{agent.display_name} texted {phone} and closed your {closed_number}; "
                f"the conversation continues in {target.number}."
            ),
            interaction_id=target.id,
        )


def apply_send_decision(
    session: Session,
    *,
    agent: Actor,
    decision: SendDecision,
    channel_id: int,
    phone: str,
    person: PersonRef,
    short_description: str = "",
) -> Interaction:
    """Carries out every effect of the decision; returns the interaction the message goes to."""
    reason = f"agent-initiated SMS ({decision.workflow.value})"
    for interaction_id in decision.close_interaction_ids:
        closing = session.get(Interaction, interaction_id)
        if closing is not None:
            close_interaction(session=session, actor=agent, interaction=closing, reason=reason)
    session.flush()  # the unique active-interaction index must see the closures first
    if decision.deactivate_profile_id is not None:
        deactivate_profile(session, decision.deactivate_profile_id, agent, reason)
    profile_id = decision.use_profile_id
    if decision.create_profile_for is not None:
        profile_id = create_profile(session, channel_id, phone, decision.create_profile_for, agent)
    if decision.create_interaction:
        target = open_interaction(
            session=session,
            actor=agent,
            type=InteractionType.MESSAGING,
            person=person,
            assign_to=decision.assign_to_agent_id,
            channel_id=channel_id,
            phone=phone,
            profile_id=profile_id,
            short_description=short_description,
            state=InteractionState.WORK_IN_PROGRESS,
            join_reason=LiveGroupReason.SENT,
        )
        if decision.close_interaction_ids:  # workflow 3 or 4: show what came before
            target.previous_interaction_id = decision.close_interaction_ids[-1]
    else:
        assert decision.target_interaction_id is not None
        found = session.get(Interaction, decision.target_interaction_id)
        assert found is not None
        target = found
        if decision.join_live_group_agent_id is not None:
            join_live_group(
                session=session,
                actor=agent,
                interaction=target,
                agent_id=decision.join_live_group_agent_id,
                reason=LiveGroupReason.SENT,
            )
    if target.state is InteractionState.NEW:
        target.state = InteractionState.WORK_IN_PROGRESS
    target.updated_at = utcnow()
    session.add(target)
    return target


def decide(
    session: Session,
    *,
    agent: Actor,
    channel_id: int,
    phone: str,
    context: PersonRef | None,
    resolver: ProfileResolver,
    dry_run: bool = False,
) -> tuple[SendSituation, SendDecision, PersonRef]:
    """Gathers the facts for a send to `phone` and decides; a person nobody knows yet is added
    (as a new consumer) unless this is only a preview."""
    resolution = resolver.resolve(
        session, channel_id=channel_id, phone=phone, context_person=context
    )
    person = resolution.person
    if person is None and resolution.ambiguous:
        names = ", ".join(
            sorted(p.name for p in get_people(session, resolution.ambiguous).values())
        )
        raise InvalidInput(
            f"{phone} belongs to several people ({names}). Compose from an interaction "
            "with the person you mean."
        )
    if person is None:  # nobody known has this number: it becomes a new consumer
        person = (
            PersonRef(PersonKind.CONSUMER, 0)
            if dry_run
            else add_person(
                session=session,
                kind=PersonKind.CONSUMER,
                first_name="Unknown",
                last_name=f"({phone})",
                phones=(phone,),
            )
        )
    active = active_views(session, channel_id, phone)
    situation = send_situation(agent=agent, person=person, resolution=resolution, active=active)
    return situation, decide_send(situation), person
