"""Setting up the SMS channel from nothing: an administrator (or the CLI, for scripted
installs) creates it with its name and default region, and edits them later.

The workspace has one SMS channel (every Send and inbound text uses it), so a second is
refused with a pointer to editing the first. Creating it may add its first sending number in
the same transaction: a channel and a number, or neither. `setup_status` tells a fresh
install's administrator what is still missing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.db.locks import advisory_lock
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.domain.channels import channel_problems
from agent_workspace.models import Channel, ChannelKind, ProviderNumber, Role, User, UserRole
from agent_workspace.services import events
from agent_workspace.services.access import Actor, admin_or_cli
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.channels import numbers
from agent_workspace.services.channels.settings import create_channel
from agent_workspace.services.errors import FieldProblems, NotFound

SETUP_LOCK = "channels:sms"  # two admins creating the channel at once make one


@dataclass(frozen=True)
class ChannelSummary:
    id: int
    name: str
    region: str  # as set, or AW_DEFAULT_REGION while none is
    business_name: str = ""  # who a first text says is writing; "" while none is set
    messaging_service_sid: str = ""  # the Twilio Messaging Service it sends through, or ""


@dataclass(frozen=True)
class SetupStatus:
    """What a fresh install still lacks, in the order it is done."""

    channel: ChannelSummary | None
    numbers: int  # sending numbers of the channel
    agents: int  # active users with the agent role

    @property
    def complete(self) -> bool:
        return self.channel is not None and self.numbers > 0 and self.agents > 0


def setup_status(
    *, actor: Actor | None, via: str | None = None, engine: Engine | None = None
) -> SetupStatus:
    admin_or_cli(actor, via)
    with reading(engine) as session:
        channel = _first(session)
        count = 0
        if channel is not None:
            count = session.exec(
                select(func.count())
                .select_from(ProviderNumber)
                .where(ProviderNumber.channel_id == channel.id, col(ProviderNumber.is_active))
            ).one()
        agents = session.exec(
            select(func.count(func.distinct(User.id)))
            .join(UserRole, col(UserRole.user_id) == User.id)
            .where(UserRole.role == Role.AGENT, col(User.is_active))
        ).one()
        return SetupStatus(_summary(channel) if channel else None, count, agents)


def create_sms_channel(
    *,
    actor: Actor | None,
    name: str,
    region: str,
    number: str = "",
    label: str = "",
    messaging_service_sid: str = "",
    business_name: str = "",
    via: str | None = None,
    engine: Engine | None = None,
) -> ChannelSummary:
    """Creates the SMS channel with the deployment's attachment policy, and its first sending
    number when one is given. The CLI creates it as the system (`actor=None, via="cli"`)."""
    admin = admin_or_cli(actor, via)
    service = messaging_service_sid.strip()
    business = " ".join(business_name.split())
    name, region = _checked(name, region, service, business)
    settings = get_settings()
    with transaction(engine) as session:
        advisory_lock(session, SETUP_LOCK)
        existing = _first(session)
        if existing is not None:
            raise FieldProblems(
                {
                    "name": f"The SMS channel already exists ({existing.name}); edit it "
                    "instead (a workspace has one SMS channel)."
                }
            )
        if session.exec(select(Channel.id).where(Channel.name == name)).first():
            raise FieldProblems({"name": f"A channel named {name!r} already exists."})
        channel = create_channel(
            session=session,
            name=name,
            provider_numbers=(),
            policy=AttachmentPolicy.from_settings(
                settings.attachment_types,
                settings.attachment_max_bytes,
                settings.attachment_max_files,
            ),
        )
        channel.default_region = region
        channel.messaging_service_sid = service or None
        channel.business_name = business
        detail: dict[str, object] = {"name": name, "region": region}
        if business:
            detail["business_name"] = business
        if service:
            detail["messaging_service_sid"] = service
        save_and_record(
            session=session,
            actor=admin,
            action=AuditAction.CHANNEL_CREATED,
            entity=channel,
            detail=detail,
            via=via,
        )
        if number.strip():
            numbers.add_to_channel(session, channel, admin, number, label, via)
        events.after_commit(session, events.ChannelChanged())
        return _summary(channel)


def update_sms_channel(
    *,
    actor: Actor | None,
    name: str,
    region: str,
    business_name: str | None = None,
    messaging_service_sid: str | None = None,
    via: str | None = None,
    engine: Engine | None = None,
) -> ChannelSummary:
    """Renames the channel, changes its default region, its business name or its Messaging
    Service (None keeps each, blank clears it); the same values write nothing."""
    admin = admin_or_cli(actor, via)
    service = None if messaging_service_sid is None else messaging_service_sid.strip()
    name, region = _checked(name, region, service or "")
    business = None if business_name is None else " ".join(business_name.split())
    if business is not None and (problems := channel_problems(name, region, business)):
        raise FieldProblems(problems)
    with transaction(engine) as session:
        found = _first(session)
        if found is None:
            raise NotFound(numbers.NO_CHANNEL_YET)
        channel = session.exec(
            select(Channel).where(Channel.id == found.id).with_for_update()
        ).one()
        before = {"name": channel.name, "region": _region(channel)}
        after = {"name": name, "region": region}
        if business is not None:
            before["business_name"], after["business_name"] = channel.business_name, business
        if service is not None:
            before["messaging_service_sid"] = channel.messaging_service_sid or ""
            after["messaging_service_sid"] = service
        if before == after:
            return _summary(channel)
        clash = session.exec(
            select(Channel.id).where(Channel.name == name, Channel.id != channel.id)
        ).first()
        if clash:
            raise FieldProblems({"name": f"A channel named {name!r} already exists."})
        channel.name, channel.default_region = name, region
        channel.business_name = after.get("business_name", channel.business_name)
        if service is not None:
            channel.messaging_service_sid = service or None
        session.add(channel)
        detail: dict[str, object] = {"before": before, "after": after}
        record(
            session=session,
            actor=admin,
            action=AuditAction.CHANNEL_UPDATED,
            entity=channel,
            detail=detail,
            via=via,
        )
        events.after_commit(session, events.ChannelChanged())
        return _summary(channel)


def _checked(
    name: str, region: str, messaging_service_sid: str = "", business_name: str = ""
) -> tuple[str, str]:
    name, region = " ".join(name.split()), region.strip().upper()
    if problems := channel_problems(
        name, region, business_name, messaging_service_sid=messaging_service_sid
    ):
        raise FieldProblems(problems)
    return name, region


def _first(session: Session) -> Channel | None:
    return session.exec(
        select(Channel).where(Channel.kind == ChannelKind.SMS).order_by(col(Channel.id))
    ).first()


def _region(channel: Channel) -> str:
    return channel.default_region or get_settings().default_region


def _summary(channel: Channel) -> ChannelSummary:
    assert channel.id is not None
    return ChannelSummary(
        channel.id,
        channel.name,
        _region(channel),
        channel.business_name,
        channel.messaging_service_sid or "",
    )
