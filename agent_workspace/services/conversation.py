"""Read models for the interaction page: header, messages, opt-outs and compose options."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.phone import PhoneOk, display_phone, parse_phone
from agent_workspace.models import (
    Attachment,
    Interaction,
    LiveGroupMember,
    Message,
    OptOut,
    Role,
    User,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.channels import sms_channel
from agent_workspace.services.errors import NotFound
from agent_workspace.services.interactions import InteractionRow, row_view
from agent_workspace.services.people import get_person, person_ref
from agent_workspace.sms.errors import describe_error

MAX_MESSAGES = 200  # the page shows the latest ones; the view is re-sent whole on change


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    content_type: str
    size: int
    ready: bool
    error: str


@dataclass(frozen=True)
class MessageView:
    id: int
    direction: str
    body: str
    status: str
    problem: str  # the provider's error in words, or why it is still waiting
    author: str
    from_number: str
    to_number: str
    at: datetime
    attachments: tuple[AttachmentView, ...]


@dataclass(frozen=True)
class ConversationView:
    interaction: InteractionRow
    account: str
    short_description: str
    members: tuple[str, ...]
    messages: tuple[MessageView, ...]
    opted_out_from: tuple[str, ...]  # provider numbers the phone has opted out of


@dataclass(frozen=True)
class ToOption:
    e164: str
    label: str


@dataclass(frozen=True)
class ComposeOptions:
    from_numbers: tuple[str, ...]
    to_options: tuple[ToOption, ...]  # the person's valid mobile numbers, the interaction's first
    region: str


def conversation(
    *, actor: Actor | None, interaction_id: int, engine: Engine | None = None
) -> ConversationView:
    require_role(actor, Role.AGENT)
    return load_conversation(interaction_id, engine=engine)


def load_conversation(interaction_id: int, *, engine: Engine | None = None) -> ConversationView:
    """Unchecked read for the live notifier, which pushes only to already-authorised viewers."""
    with transaction(engine) as session:
        interaction = session.get(Interaction, interaction_id)
        if interaction is None:
            raise NotFound(f"Interaction {interaction_id} does not exist.")
        ref = person_ref(interaction.consumer_id, interaction.contact_id)
        person = get_person(session, ref) if ref else None
        opted: tuple[str, ...] = ()
        if interaction.phone:
            opted = tuple(
                session.exec(
                    select(OptOut.sender).where(
                        OptOut.phone == interaction.phone, col(OptOut.opted_out)
                    )
                ).all()
            )
        return ConversationView(
            interaction=row_view(session, interaction),
            account=person.account or "" if person else "",
            short_description=interaction.short_description,
            members=_members(session, interaction_id),
            messages=_messages(session, interaction_id),
            opted_out_from=opted,
        )


def _members(session: Session, interaction_id: int) -> tuple[str, ...]:
    rows = session.exec(
        select(User.display_name)
        .join(LiveGroupMember, col(LiveGroupMember.agent_id) == User.id)
        .where(
            LiveGroupMember.interaction_id == interaction_id, col(LiveGroupMember.left_at).is_(None)
        )
        .order_by(col(LiveGroupMember.joined_at))
    ).all()
    return tuple(rows)


def _messages(session: Session, interaction_id: int) -> tuple[MessageView, ...]:
    rows = session.exec(
        select(Message)
        .where(Message.interaction_id == interaction_id)
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(MAX_MESSAGES)
    ).all()
    authors = {
        u.id: u.display_name
        for u in session.exec(
            select(User).where(col(User.id).in_({m.author_id for m in rows if m.author_id}))
        ).all()
    }
    ids = [m.id for m in rows]
    files: dict[int, list[AttachmentView]] = {}
    for a in session.exec(
        select(Attachment).where(col(Attachment.message_id).in_(ids)).order_by(col(Attachment.id))
    ).all():
        assert a.id is not None and a.message_id is not None
        files.setdefault(a.message_id, []).append(
            AttachmentView(
                a.id,
                a.filename,
                a.content_type,
                a.size,
                a.storage_key is not None,
                a.fetch_error or "",
            )
        )
    views = []
    for m in reversed(rows):
        assert m.id is not None
        views.append(
            MessageView(
                id=m.id,
                direction=m.direction.value,
                body=m.body,
                status=m.status.value,
                problem=_problem(m),
                author=authors.get(m.author_id, "") if m.author_id else "",
                from_number=m.from_number,
                to_number=m.to_number,
                at=m.created_at,
                attachments=tuple(files.get(m.id, [])),
            )
        )
    return tuple(views)


def _problem(message: Message) -> str:
    if message.status.value in ("failed", "undelivered"):
        if message.error_message:
            return message.error_message
        return describe_error(message.error_code) if message.error_code else "Not delivered."
    if message.status.value == "queued" and message.error_message:
        return message.error_message  # e.g. "Retrying: the provider is unreachable"
    return ""


def compose_options(
    *, actor: Actor | None, interaction_id: int, default_region: str, engine: Engine | None = None
) -> ComposeOptions:
    """From numbers of the SMS channel, and the person's numbers that can receive SMS."""
    require_role(actor, Role.AGENT)
    with transaction(engine) as session:
        channel = sms_channel(session)
        interaction = session.get(Interaction, interaction_id)
        if interaction is None:
            raise NotFound(f"Interaction {interaction_id} does not exist.")
        ref = person_ref(interaction.consumer_id, interaction.contact_id)
        person = get_person(session, ref) if ref else None
        region = (person.country if person and person.country else None) or default_region
        numbers = [interaction.phone] if interaction.phone else []
        numbers += [p for p in (person.phones if person else ()) if p not in numbers]
        options = []
        for number in numbers:
            if isinstance(parse_phone(number, default_region=region), PhoneOk):
                options.append(ToOption(number, f"{display_phone(number)}"))
        return ComposeOptions(channel.provider_numbers, tuple(options), region)
