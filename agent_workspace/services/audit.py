"""The audit trail: one row per state change, naming the user or the provider behind it."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from agent_workspace.models import AuditEvent, Interaction, utcnow
from agent_workspace.services.access import Actor


class AuditAction(StrEnum):
    """Every kind of change the audit trail records; stored as the value (e.g. "message.queued")."""

    ATTACHMENT_FETCH_FAILED = "attachment.fetch_failed"
    ATTACHMENT_FETCHED = "attachment.fetched"
    AUTH_SIGN_IN_FAILED = "auth.sign_in_failed"
    AUTH_SIGNED_IN = "auth.signed_in"
    AUTH_SIGNED_OUT = "auth.signed_out"
    CANNED_REPLY_CREATED = "canned_reply.created"
    CANNED_REPLY_DELETED = "canned_reply.deleted"
    CANNED_REPLY_UPDATED = "canned_reply.updated"
    ACCOUNT_CREATED = "account.created"
    ACCOUNT_RENAMED = "account.renamed"
    CHANNEL_ASSIGNMENT_CHANGED = "channel.assignment_changed"
    CHANNEL_ATTACHMENT_POLICY_CHANGED = "channel.attachment_policy_changed"
    CHANNEL_AUTO_REPLY_CHANGED = "channel.auto_reply_changed"
    CHANNEL_BUSINESS_HOURS_CHANGED = "channel.business_hours_changed"
    CHANNEL_CREATED = "channel.created"
    CHANNEL_NUMBER_ADDED = "channel.number_added"
    CHANNEL_NUMBER_RELABELLED = "channel.number_relabelled"
    CHANNEL_NUMBER_REMOVED = "channel.number_removed"
    CHANNEL_QUIET_HOURS_CHANGED = "channel.quiet_hours_changed"
    CHANNEL_STOP_POLICY_CHANGED = "channel.stop_policy_changed"
    CHANNEL_RESOLVER_CHANGED = "channel.resolver_changed"
    CHANNEL_UPDATED = "channel.updated"
    INTERACTION_ASSIGNED = "interaction.assigned"
    INTERACTION_CLOSED = "interaction.closed"
    INTERACTION_DETAILS_CHANGED = "interaction.details_changed"
    INTERACTION_LABEL_ADDED = "interaction.label_added"
    INTERACTION_LABEL_REMOVED = "interaction.label_removed"
    INTERACTION_OPENED = "interaction.opened"
    INTERACTION_PICKED_UP = "interaction.picked_up"
    INTERACTION_REASSIGNED = "interaction.reassigned"
    INTERACTION_TAKEN_OVER = "interaction.taken_over"
    INTERACTION_SNOOZED = "interaction.snoozed"
    INTERACTION_TRANSFERRED = "interaction.transferred"
    INTERACTION_WOKEN = "interaction.woken"
    LABEL_CREATED = "label.created"
    LABEL_DELETED = "label.deleted"
    LABEL_UPDATED = "label.updated"
    SLA_BREACHED = "interaction.sla_breached"
    SLA_POLICY_DELETED = "sla_policy.deleted"
    SLA_POLICY_MOVED = "sla_policy.moved"
    SLA_POLICY_SAVED = "sla_policy.saved"
    LIVE_GROUP_JOINED = "live_group.joined"
    LIVE_GROUP_LEFT = "live_group.left"
    MESSAGE_ACCEPTED = "message.accepted"
    MESSAGE_AUTO_REPLIED = "message.auto_replied"
    MESSAGE_FAILED = "message.failed"
    MESSAGE_NOTE_ADDED = "message.note_added"
    MESSAGE_QUEUED = "message.queued"
    MESSAGE_QUIET_HOURS_OVERRIDDEN = "message.quiet_hours_overridden"
    MESSAGE_RECEIVED = "message.received"
    MESSAGE_RETRIED = "message.retried"
    MESSAGE_RETRY_SCHEDULED = "message.retry_scheduled"
    MESSAGE_SCHEDULED = "message.scheduled"
    MESSAGE_SCHEDULE_CANCELED = "message.schedule_canceled"
    MESSAGE_SCHEDULE_CHANGED = "message.schedule_changed"
    MESSAGE_SCHEDULE_DEFERRED = "message.schedule_deferred"
    MESSAGE_SCHEDULE_RELEASED = "message.schedule_released"
    MESSAGE_SENDER_REPORTED = "message.sender_reported"
    MESSAGE_STATUS = "message.status"
    MESSAGE_STATUS_CHECKED = "message.status_checked"
    MESSAGE_UNCONFIRMED = "message.unconfirmed"
    OPT_OUT_CHANGED = "opt_out.changed"
    PEOPLE_IMPORTED = "people.imported"
    PERSON_CREATED = "person.created"
    PERSON_MERGED = "person.merged"
    PERSON_UPDATED = "person.updated"
    OPT_OUT_HELP_REQUESTED = "opt_out.help_requested"
    PROFILE_CREATED = "profile.created"
    PROFILE_DEACTIVATED = "profile.deactivated"
    USER_CREATED = "user.created"
    USER_DEACTIVATED = "user.deactivated"
    USER_REACTIVATED = "user.reactivated"
    USER_NOTIFICATIONS_CHANGED = "user.notifications_changed"
    USER_PRESENCE_CHANGED = "user.presence_changed"
    USER_PASSWORD_RESET = "user.password_reset"  # noqa: S105 (an action, not a secret)
    USER_ROLE_GRANTED = "user.role_granted"
    USER_ROLE_REVOKED = "user.role_revoked"
    USER_SIGN_IN_UNLOCKED = "user.sign_in_unlocked"


PROVIDER = "provider"
SYSTEM = "system"


def record(
    *,
    session: Session,
    actor: Actor | str | None,
    action: AuditAction,
    entity: SQLModel,
    detail: dict[str, Any] | None = None,
    actor_user_id: int | None = None,
    interaction_id: int | None = None,
    via: str | None = None,
) -> None:
    """Adds an audit row in the caller's transaction; `actor` is a user, "provider" or "system";
    `via` says where an administrator did it (e.g. the CLI), kept in the detail.

    The row names the interaction it concerns (the entity's own, unless given) so the audit log
    can be read per interaction.
    """
    session.add(
        AuditEvent(
            **row(
                actor=actor,
                action=action,
                entity_type=str(getattr(type(entity), "__tablename__", type(entity).__name__)),
                entity_id=getattr(entity, "id", None),
                interaction_id=interaction_id or _interaction_of(entity),
                detail=detail,
                actor_user_id=actor_user_id,
                via=via,
            )
        )
    )


def save_and_record(
    *,
    session: Session,
    actor: Actor | str | None,
    action: AuditAction,
    entity: SQLModel,
    detail: dict[str, Any] | None = None,
    via: str | None = None,
) -> None:
    """Writes `entity` at once (its id assigned, the table's constraints checked before
    anything else happens) and records the change to it, in the caller's transaction."""
    session.add(entity)
    session.flush()
    record(session=session, actor=actor, action=action, entity=entity, detail=detail, via=via)


def row(
    *,
    actor: Actor | str | None,
    action: AuditAction,
    entity_type: str,
    entity_id: int | None,
    interaction_id: int | None,
    detail: dict[str, Any] | None = None,
    actor_user_id: int | None = None,
    via: str | None = None,
) -> dict[str, Any]:
    """One audit row's columns: what `record` adds as an object and `record_rows` in bulk;
    `via` (where an administrator did it, e.g. the CLI) goes into the detail."""
    if via:
        detail = {**(detail or {}), "via": via}
    if isinstance(actor, Actor):
        actor_name, actor_user_id = "user", actor.user_id
    else:
        actor_name = actor or ("user" if actor_user_id else SYSTEM)
    return {
        "at": utcnow(),
        "actor": actor_name,
        "actor_user_id": actor_user_id,
        "action": action.value,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "interaction_id": interaction_id,
        "detail": detail or {},
    }


def record_rows(conn: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Many audit rows (built by `row`) in one statement, for a path that loads no objects."""
    if rows:
        conn.execute(sa.insert(_TABLE), rows)


_TABLE: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]


def _interaction_of(entity: SQLModel) -> int | None:
    if isinstance(entity, Interaction):
        return entity.id
    found = getattr(entity, "interaction_id", None)
    return found if isinstance(found, int) else None
