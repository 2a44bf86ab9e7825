"""The SMS channel and its provider numbers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from sqlmodel import Session, col, select

from agent_workspace.config import get_settings
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.domain.quiet_hours import Policy, Window
from agent_workspace.models import Channel, ChannelKind, ProviderNumber
from agent_workspace.services.errors import NotFound


@dataclass(frozen=True)
class ChannelView:
    id: int
    name: str
    provider_numbers: tuple[str, ...]
    policy: AttachmentPolicy
    labels: tuple[tuple[str, str], ...] = ()  # (E.164, "Support line") of each number
    region: str = ""  # where numbers typed without a country code are read
    resolver: str | None = None  # the profile resolver an admin chose (resolvers.resolver_for)
    business_name: str = ""  # who a first text says is writing ("" while none is set)
    quiet: Policy = field(default_factory=Policy)  # quiet hours (domain/quiet_hours.py)
    messaging_service_sid: str | None = None  # texts go through it: Twilio picks the sender

    def label(self, e164: str) -> str:
        return dict(self.labels).get(e164, "")


def create_channel(
    *,
    session: Session,
    name: str,
    provider_numbers: tuple[tuple[str, str], ...],
    policy: AttachmentPolicy,
    quiet_hours: bool = True,
) -> Channel:
    """Adds an SMS channel with (E.164, label) provider numbers, in the caller's transaction;
    quiet hours on (the defaults) unless `quiet_hours` is False."""
    channel = Channel(
        name=name,
        kind=ChannelKind.SMS,
        quiet_hours_enabled=quiet_hours,
        attachment_types=",".join(sorted(policy.allowed_types)),
        attachment_max_bytes=policy.max_total_bytes,
        attachment_max_files=policy.max_files,
    )
    session.add(channel)
    session.flush()
    assert channel.id is not None
    for e164, label in provider_numbers:
        session.add(ProviderNumber(channel_id=channel.id, e164=e164, label=label))
    session.flush()
    return channel


def sms_channel(session: Session, channel_id: int | None = None) -> ChannelView:
    """The SMS channel (the first one unless an id is given) with its active numbers."""
    query = select(Channel).where(Channel.kind == ChannelKind.SMS)
    if channel_id is not None:
        query = query.where(Channel.id == channel_id)
    channel = session.exec(query.order_by(col(Channel.id))).first()
    if channel is None or channel.id is None:
        raise NotFound("No SMS channel is configured. Ask an administrator to set one up.")
    rows = session.exec(
        select(ProviderNumber)
        .where(ProviderNumber.channel_id == channel.id, col(ProviderNumber.is_active))
        .order_by(col(ProviderNumber.id))
    ).all()
    return ChannelView(
        id=channel.id,
        name=channel.name,
        provider_numbers=tuple(n.e164 for n in rows),
        labels=tuple((n.e164, n.label) for n in rows),
        policy=AttachmentPolicy.from_settings(
            channel.attachment_types, channel.attachment_max_bytes, channel.attachment_max_files
        ),
        region=channel.default_region or get_settings().default_region,
        resolver=channel.profile_resolver,
        business_name=channel.business_name,
        quiet=quiet_policy(channel),
        messaging_service_sid=channel.messaging_service_sid,
    )


def quiet_policy(channel: Channel) -> Policy:
    """The channel's stored quiet hours as the rule's Policy."""
    return Policy(
        enabled=channel.quiet_hours_enabled,
        window=Window(_clock(channel.quiet_start_minute), _clock(channel.quiet_end_minute)),
        state_rules=channel.quiet_state_rules,
        reply_exempt_hours=channel.quiet_reply_exempt_hours,
    )


def _clock(minute: int) -> time:
    return time(minute // 60, minute % 60)
