"""Administration of the SMS channel: what agents may attach (within what Twilio accepts) and
which installed profile resolver decides whose a phone number is."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.attachments import AttachmentPolicy, describe_size
from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.channels.numbers import NO_CHANNEL_YET
from agent_workspace.services.channels.settings import ChannelView, sms_channel
from agent_workspace.services.errors import InvalidInput, NotFound
from agent_workspace.services.people import resolvers
from agent_workspace.services.people.resolvers import ResolverInfo

MMS_MAX_BYTES = 5 * 1024 * 1024  # Twilio's limit for all media of one message
MMS_MAX_FILES = 10  # Twilio's limit of MediaUrl per message
T = TypeVar("T")


def channel_settings(*, actor: Actor | None, engine: Engine | None = None) -> ChannelView:
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        return _sms_channel(session)


def read_channel(view: Callable[[Channel], T], *, actor: Actor | None, engine: Engine | None) -> T:
    """One of the channel's settings, as `view` shows it to its administration form."""
    current = channel_settings(actor=actor, engine=engine)
    with reading(engine) as session:
        channel = session.get(Channel, current.id)
        if channel is None:
            raise NotFound(NO_CHANNEL_YET)
        return view(channel)


@contextlib.contextmanager
def changing_channel(admin: Actor, engine: Engine | None) -> Iterator[tuple[Session, Channel]]:
    """The channel's row, locked in a transaction, for a settings form to change: two admins
    saving at once write one after the other, each audited against what the other left."""
    current = channel_settings(actor=admin, engine=engine)
    with transaction(engine) as session:
        channel = session.exec(
            select(Channel).where(Channel.id == current.id).with_for_update()
        ).first()
        if channel is None:
            raise NotFound(NO_CHANNEL_YET)
        yield session, channel


def store_setting(
    session: Session,
    admin: Actor,
    channel: Channel,
    action: AuditAction,
    view: Callable[[Channel], T],
    write: Callable[[Channel], None],
) -> tuple[T, T]:
    """Writes one settings form onto the channel `changing_channel` locked, and audits it as
    the form's view before and after; an unchanged form writes nothing. (before, after)."""
    before = view(channel)
    write(channel)
    after = view(channel)
    if after != before:
        session.add(channel)
        record(
            session=session,
            actor=admin,
            action=action,
            entity=channel,
            detail={"before": before.__dict__, "after": after.__dict__},
        )
    return before, after


def update_attachment_policy(
    *,
    actor: Actor | None,
    types: list[str],
    max_total_bytes: int,
    max_files: int,
    engine: Engine | None = None,
) -> ChannelView:
    """Replaces the SMS channel's attachment policy; refuses what Twilio would not deliver."""
    admin = require_role(actor, Role.ADMIN)
    if not 0 < max_total_bytes <= MMS_MAX_BYTES:
        raise InvalidInput(
            f"The size limit must be between 1 byte and {describe_size(MMS_MAX_BYTES)} "
            "(Twilio accepts at most that much media per message)."
        )
    if not 0 < max_files <= MMS_MAX_FILES:
        raise InvalidInput(
            f"The file limit must be between 1 and {MMS_MAX_FILES} (Twilio's limit)."
        )
    try:
        policy = AttachmentPolicy(frozenset(types), max_total_bytes, max_files)
    except ValueError as invalid:
        raise InvalidInput(str(invalid)) from invalid
    with transaction(engine) as session:
        current = _sms_channel(session)
        channel = session.exec(select(Channel).where(Channel.id == current.id)).first()
        if channel is None:
            raise NotFound("No SMS channel is configured.")
        before: dict[str, object] = {
            "types": channel.attachment_types,
            "max_bytes": channel.attachment_max_bytes,
            "max_files": channel.attachment_max_files,
        }
        allowed = ",".join(sorted(policy.allowed_types))
        after: dict[str, object] = {
            "types": allowed,
            "max_bytes": policy.max_total_bytes,
            "max_files": policy.max_files,
        }
        if after == before:
            return current
        channel.attachment_types = allowed
        channel.attachment_max_bytes = policy.max_total_bytes
        channel.attachment_max_files = policy.max_files
        session.add(channel)
        record(
            session=session,
            actor=admin,
            action=AuditAction.CHANNEL_ATTACHMENT_POLICY_CHANGED,
            entity=channel,
            detail={"before": before, "after": after},
        )
        session.flush()
        return sms_channel(session)


@dataclass(frozen=True)
class ResolverChoice:
    """The resolver the channel uses, what an admin may choose from, and the deployment's
    default (AW_PROFILE_RESOLVER) that applies while nothing is chosen."""

    chosen: str | None
    default: str
    installed: tuple[ResolverInfo, ...]


def resolver_choice(*, actor: Actor | None, engine: Engine | None = None) -> ResolverChoice:
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        channel = session.get(Channel, _sms_channel(session).id)
        assert channel is not None
        chosen = channel.profile_resolver
    return ResolverChoice(
        chosen, get_settings().profile_resolver, tuple(resolvers.installed_resolvers())
    )


def choose_resolver(
    *, actor: Actor | None, name: str | None, engine: Engine | None = None
) -> ResolverChoice:
    """Sets the channel's profile resolver (None: the deployment's default); the next Send or
    inbound text uses it, with no restart. Choosing the current one again writes nothing."""
    admin = require_role(actor, Role.ADMIN)
    name = (name or "").strip() or None
    if name is not None and name not in resolvers.installed_names():
        known = ", ".join(sorted(resolvers.installed_names()))
        raise InvalidInput(f"No profile resolver named {name!r} is installed (installed: {known}).")
    with transaction(engine) as session:
        current = _sms_channel(session)
        channel = session.exec(select(Channel).where(Channel.id == current.id).with_for_update())
        locked = channel.first()
        assert locked is not None
        if locked.profile_resolver != name:
            before, locked.profile_resolver = locked.profile_resolver, name
            session.add(locked)
            record(
                session=session,
                actor=admin,
                action=AuditAction.CHANNEL_RESOLVER_CHANGED,
                entity=locked,
                detail={"before": before, "after": name},
            )
    return resolver_choice(actor=admin, engine=engine)


def _sms_channel(session: Session) -> ChannelView:
    """The channel, or what the administrator must do first (agents hear "ask an
    administrator"; the administrator hears how)."""
    try:
        return sms_channel(session)
    except NotFound:
        raise NotFound(NO_CHANNEL_YET) from None
