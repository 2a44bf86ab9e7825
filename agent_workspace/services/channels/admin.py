"""Administration of the SMS channel: what agents may attach, within what Twilio accepts."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.attachments import AttachmentPolicy, describe_size
from agent_workspace.models import Channel, Role
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.channels.settings import ChannelView, sms_channel
from agent_workspace.services.errors import InvalidInput, NotFound

MMS_MAX_BYTES = 5 * 1024 * 1024  # Twilio's limit for all media of one message
MMS_MAX_FILES = 10  # Twilio's limit of MediaUrl per message


def channel_settings(*, actor: Actor | None, engine: Engine | None = None) -> ChannelView:
    require_role(actor, Role.ADMIN)
    with reading(engine) as session:
        return sms_channel(session)


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
        current = sms_channel(session)
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
