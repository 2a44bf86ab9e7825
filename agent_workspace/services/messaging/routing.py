"""Gathers the facts for a routing decision and applies it, in the caller's transaction."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
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
    ACTIVE_STATES,
    ChannelUserProfile,
    Interaction,
    InteractionState,
    InteractionType,
    LiveGroupMember,
    LiveGroupReason,
    utcnow,
)
from agent_workspace.services.access import Actor
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.interactions.lifecycle import close_interaction, open_interaction
from agent_workspace.services.interactions.live_group import join_live_group
from agent_workspace.services.people.directory import add_person, get_people, person_ids
from agent_workspace.services.people.resolvers import ProfileResolver, Resolution

_I: sa.Table = Interaction.__table__  # type: ignore[attr-defined]
_G: sa.Table = LiveGroupMember.__table__  # type: ignore[attr-defined]
# Built once, plain rows, one statement with the live groups: every inbound text runs it.
_ACTIVE = (
    sa.select(
        _I.c.id,
        _I.c.number,
        _I.c.profile_id,
        _I.c.virtual_agent,
        _I.c.assigned_agent_id,
        _I.c.opened_at,
        _G.c.agent_id,
    )
    .select_from(_I.outerjoin(_G, sa.and_(_G.c.interaction_id == _I.c.id, _G.c.left_at.is_(None))))
    .where(
        _I.c.channel_id == sa.bindparam("channel_id"),
        _I.c.phone == sa.bindparam("phone"),
        _I.c.type == InteractionType.MESSAGING,
        _I.c.state.in_(sorted(ACTIVE_STATES)),
    )
    .order_by(_I.c.id)
)


def active_views(session: Session, channel_id: int, phone: str) -> tuple[ActiveInteraction, ...]:
    """The phone's active messaging interactions as the pure routing decisions take them."""
    rows = session.execute(_ACTIVE, {"channel_id": channel_id, "phone": phone}).all()
    heads: dict[int, sa.Row[Any]] = {}  # a row per member: the first one of each interaction
    groups: dict[int, set[int]] = {}
    for row in rows:
        heads.setdefault(row.id, row)
        members = groups.setdefault(row.id, set())
        if row.agent_id is not None:
            members.add(row.agent_id)
    return tuple(as_active(row, frozenset(groups[row.id])) for row in heads.values())


def as_active(interaction: Any, live_group: frozenset[int]) -> ActiveInteraction:
    """The plain-value view the pure decisions take, of a row or an Interaction object."""
    return ActiveInteraction(
        id=interaction.id,
        number=interaction.number,
        profile_id=interaction.profile_id,
        virtual_agent=interaction.virtual_agent,
        assigned_agent_id=interaction.assigned_agent_id,
        live_group=live_group,
        opened_at=interaction.opened_at,
    )


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


def create_profile(
    session: Session, channel_id: int, phone: str, person: PersonRef, actor: Actor | str
) -> int:
    consumer_id, contact_id = person_ids(person)
    profile = ChannelUserProfile(
        channel_id=channel_id, phone=phone, consumer_id=consumer_id, contact_id=contact_id
    )
    session.add(profile)
    session.flush()
    record(
        session=session,
        actor=actor,
        action=AuditAction.PROFILE_CREATED,
        entity=profile,
        detail={"phone": phone, "person": f"{person.kind.value}:{person.id}"},
    )
    assert profile.id is not None
    return profile.id


def deactivate_profile(session: Session, profile_id: int, actor: Actor | str, reason: str) -> None:
    profile = session.get(ChannelUserProfile, profile_id)
    if profile is None or not profile.is_active:
        return
    profile.is_active = False
    profile.deactivated_at = utcnow()
    session.add(profile)
    session.flush()  # the unique active-profile index must see this before a new one is added
    record(
        session=session,
        actor=actor,
        action=AuditAction.PROFILE_DEACTIVATED,
        entity=profile,
        detail={"reason": reason},
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
