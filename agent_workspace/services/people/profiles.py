"""Channel user profiles: which person a phone number on a channel belongs to, created and
deactivated with an audit row, in the caller's transaction."""

from __future__ import annotations

from sqlmodel import Session

from agent_workspace.domain.routing import PersonRef
from agent_workspace.models import ChannelUserProfile, utcnow
from agent_workspace.services.access import Actor
from agent_workspace.services.audit import AuditAction, save_and_record
from agent_workspace.services.people.directory import person_ids


def create_profile(
    session: Session, channel_id: int, phone: str, person: PersonRef, actor: Actor | str
) -> int:
    consumer_id, contact_id = person_ids(person)
    profile = ChannelUserProfile(
        channel_id=channel_id, phone=phone, consumer_id=consumer_id, contact_id=contact_id
    )
    save_and_record(
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
    # The unique active-profile index must see this before a new one is added.
    save_and_record(
        session=session,
        actor=actor,
        action=AuditAction.PROFILE_DEACTIVATED,
        entity=profile,
        detail={"reason": reason},
    )
