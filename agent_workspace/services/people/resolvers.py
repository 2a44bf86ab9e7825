"""The profile resolver extension point: which person a phone number belongs to on a channel.

Deployments register their own resolver under the entry-point group
`agent_workspace.profile_resolvers` and select it with `AW_PROFILE_RESOLVER`, without forking.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.domain.routing import PersonRef, ProfileRef
from agent_workspace.models import ChannelUserProfile
from agent_workspace.services.people.directory import (
    owners_of_phone,
    person_ref,
)

ENTRY_POINT_GROUP = "agent_workspace.profile_resolvers"


@dataclass(frozen=True)
class Resolution:
    """Who the phone belongs to (None: nobody known, or `ambiguous` when several people share it
    and nothing tells them apart) and the phone's active profile."""

    person: PersonRef | None
    active_profile: ProfileRef | None
    ambiguous: tuple[PersonRef, ...] = ()


@runtime_checkable
class ProfileResolver(Protocol):
    def resolve(
        self, session: Session, *, channel_id: int, phone: str, context_person: PersonRef | None
    ) -> Resolution:
        """Decides whose `phone` is: for a send from an interaction about `context_person`, or
        (context None) for a send with no interaction and for an inbound text."""
        ...


def active_profile(session: Session, channel_id: int, phone: str) -> ProfileRef | None:
    """The phone's one active profile on the channel (the database allows at most one)."""
    profile = session.exec(
        select(ChannelUserProfile).where(
            ChannelUserProfile.channel_id == channel_id,
            ChannelUserProfile.phone == phone,
            col(ChannelUserProfile.is_active),
        )
    ).first()
    if profile is None or profile.id is None:
        return None
    ref = person_ref(profile.consumer_id, profile.contact_id)
    assert ref is not None  # a check constraint requires one person
    return ProfileRef(profile.id, ref)


class DefaultProfileResolver:
    """The interaction's consumer or contact is the person; without one, the phone's active
    profile, else its single owner. A phone shared by several people stays ambiguous."""

    def resolve(
        self, session: Session, *, channel_id: int, phone: str, context_person: PersonRef | None
    ) -> Resolution:
        current = active_profile(session, channel_id, phone)
        if context_person is not None:
            return Resolution(context_person, current)
        if current is not None:
            return Resolution(current.person, current)
        owners = owners_of_phone(session, phone)
        if len(owners) > 1:
            return Resolution(None, None, ambiguous=tuple(owners))
        return Resolution(owners[0] if owners else None, None)


@functools.cache
def _load(name: str) -> ProfileResolver:
    found = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if name not in found:
        known = ", ".join(sorted(found)) or "none"
        raise LookupError(f"No profile resolver named {name!r} is installed (installed: {known}).")
    resolver = found[name].load()()
    if not isinstance(resolver, ProfileResolver):
        raise TypeError(f"Profile resolver {name!r} does not implement resolve().")
    return resolver


def get_resolver(name: str | None = None) -> ProfileResolver:
    """The resolver chosen by `AW_PROFILE_RESOLVER` (or `name`), loaded from its entry point."""
    return _load(name or get_settings().profile_resolver)


def clear_resolver_cache() -> None:
    _load.cache_clear()
