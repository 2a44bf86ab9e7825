"""The profile resolver extension point: which person a phone number belongs to on a channel.

Deployments register their own resolver under the entry-point group
`agent_workspace.profile_resolvers`, without forking; an administrator picks one of the installed
resolvers for the channel (`channel.profile_resolver`), and `AW_PROFILE_RESOLVER` names the one
used until they do.
"""

from __future__ import annotations

import functools
import inspect
import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.domain.routing import PersonRef, ProfileRef
from agent_workspace.models import Channel, ChannelUserProfile
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.people.directory import (
    owners_of_phone,
    person_ref,
)

ENTRY_POINT_GROUP = "agent_workspace.profile_resolvers"
log = logging.getLogger(__name__)


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


def get_resolver(
    name: str | None = None,
    *,
    session: Session | None = None,
    channel_id: int | None = None,
    strict: bool = True,
) -> ProfileResolver:
    """The resolver to use now: `name`, else the one an admin chose for the channel (read in
    the caller's transaction, so a new choice applies to the next Send or inbound text with no
    restart), else `AW_PROFILE_RESOLVER`."""
    if name is not None:
        return _load(name)
    chosen = None
    if session is not None and channel_id is not None:
        chosen = session.exec(
            select(Channel.profile_resolver).where(Channel.id == channel_id)
        ).first()
    return resolver_for(chosen, strict=strict)


def resolver_for(chosen: str | None, *, strict: bool = True) -> ProfileResolver:
    """The resolver an admin chose for a channel (`chosen`, already read with the channel),
    else `AW_PROFILE_RESOLVER`.

    A chosen resolver that is no longer installed refuses a Send (`strict`); an inbound text
    (not strict) must still be stored, so it falls back to `AW_PROFILE_RESOLVER` and logs it.
    """
    if chosen is not None and chosen not in installed_names():
        if strict:
            raise InvalidInput(
                f"The profile resolver {chosen!r} an administrator chose is no longer "
                "installed; ask an administrator to choose another one."
            )
        log.warning("profile resolver %r is not installed; using the default", chosen)
        chosen = None
    return _load(chosen or get_settings().profile_resolver)


def clear_resolver_cache() -> None:
    _load.cache_clear()


@dataclass(frozen=True)
class ResolverInfo:
    name: str
    description: str  # the first paragraph of its docstring


def installed_names() -> frozenset[str]:
    return frozenset(ep.name for ep in entry_points(group=ENTRY_POINT_GROUP))


def installed_resolvers() -> list[ResolverInfo]:
    """Every resolver installed under the entry-point group, with its description."""
    infos = []
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        try:
            loaded = ep.load()
        except Exception as broken:  # a broken plugin is listed, not fatal to the page
            infos.append(ResolverInfo(ep.name, f"Cannot be loaded: {broken}"))
            continue
        text = inspect.getdoc(loaded) or inspect.getdoc(inspect.getmodule(loaded)) or ""
        first = text.split("\n\n", 1)[0]
        infos.append(ResolverInfo(ep.name, " ".join(first.split()) or "No description."))
    return infos
