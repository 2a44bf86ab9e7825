"""send_sms: validate everything, then route and queue the message in one transaction.

The provider is never called here: the outbox dispatcher sends queued messages after commit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from agent_workspace.db.engine import reading, transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.attachments import (
    AcceptedFile,
    AttachmentRejected,
    CandidateFile,
    check_attachments,
)
from agent_workspace.domain.phone import PhoneOk, read_typed_number
from agent_workspace.domain.routing import (
    PersonRef,
    SendDecision,
    SendSituation,
    Workflow,
    confirmation_needed,
)
from agent_workspace.domain.segments import check_body, count_segments
from agent_workspace.domain.templates import shortcut_question
from agent_workspace.models import (
    Attachment,
    Direction,
    Interaction,
    Message,
    MessageStatus,
    Role,
    utcnow,
)
from agent_workspace.services import events
from agent_workspace.services.access import Actor, access_interaction, require_role
from agent_workspace.services.audit import AuditAction, record
from agent_workspace.services.channels.numbers import not_a_sender
from agent_workspace.services.channels.settings import ChannelView, sms_channel
from agent_workspace.services.conversation.quiet_hours import judge_quiet, refusal
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.files.staged import forget_sent, load_staged
from agent_workspace.services.files.storage import store_files
from agent_workspace.services.interactions.confirmations import (
    ConfirmationNeeded,
    confirmation_text,
)
from agent_workspace.services.interactions.lifecycle import note_last_message, note_response
from agent_workspace.services.interactions.snooze import wake_on_send
from agent_workspace.services.outbox import wakeups
from agent_workspace.services.people.directory import get_person, person_ref
from agent_workspace.services.people.ledger import refusal_of
from agent_workspace.services.people.resolvers import ProfileResolver, get_resolver
from agent_workspace.services.sending.decision import (
    apply_send_decision,
    closing_of,
    decide,
    tell_closing,
)
from agent_workspace.services.sending.options import service_from
from agent_workspace.services.sla.clocks import keep_due


@dataclass(frozen=True)
class SendRequest:
    """What the Compose SMS form submits."""

    from_number: str  # "" through the channel's Messaging Service: Twilio picks the sender
    to: str  # any common notation; converted to E.164
    body: str
    interaction_id: int | None = None  # the form the agent composes from
    files: tuple[CandidateFile, ...] = ()
    idempotency_key: str | None = None
    confirmed: bool = False  # the agent said yes to what preview_send asked
    staged: tuple[int, ...] = ()  # files attached in the composer beforehand (files/staged.py)
    # Outside quiet hours: the agent's typed reason to send now anyway (audited), or a time
    # (UTC) to send it at instead (a `scheduled` message the outbox sends then).
    override_reason: str = ""
    send_at: datetime | None = None


@dataclass(frozen=True)
class Preview:
    workflow: Workflow
    plan: str  # what Send will do, e.g. "add the message to interaction IMS0001001"
    to: str
    confirm: str = ""  # the question Send must ask first, when it changes someone else's work
    assumed_country: str = ""  # the country a number without a country code was read in


@dataclass(frozen=True)
class SendResult:
    message_id: int
    interaction_id: int
    interaction_number: str
    workflow: Workflow | None  # None when an idempotent retry returned the earlier result
    summary: str
    duplicate: bool = False
    # What the same Send would do now, said by the send that made it so (None for a retry):
    # the composer shows it without asking preview_send again.
    next: Preview | None = None


@dataclass(frozen=True)
class _Prepared:
    """A validated request: the recipient in E.164 and the accepted files, in order."""

    channel: ChannelView
    # The From recorded: the agent's choice, or through the channel's Messaging Service (none
    # chosen) the sender Twilio is expected to keep for the phone (options.service_from).
    sender: str
    to: str
    context: PersonRef | None
    source: Interaction | None
    files: list[AcceptedFile]
    assumed: str  # the country assumed for a number typed without its country code


def send_sms(
    *,
    actor: Actor | None,
    request: SendRequest,
    resolver: ProfileResolver | None = None,
    engine: Engine | None = None,
) -> SendResult:
    """Routes per SPEC "What Send does" and stores the message `queued`, in one transaction."""
    try:
        with transaction(engine) as session:
            agent, source = _entry(session, actor, request.interaction_id)
            if (done := _earlier_result(session, request.idempotency_key)) is not None:
                return done
            if request.staged:
                staged = load_staged(session, agent, request.staged)
                request = dataclasses.replace(request, files=(*request.files, *staged))
            prepared = _prepare(session, request, source)
            lock_phone(session, prepared.channel.id, prepared.to)
            situation, decision, person = _decide(session, agent, prepared, resolver)
            quiet = _quiet_hours(session, request, prepared, person)
            asked = confirmation_needed(situation, decision)
            if not request.confirmed:
                # One question for all there is to ask: the one yes answers them all.
                questions = [shortcut_question(request.body)]
                if asked is not None:
                    questions.append(confirmation_text(session, asked, prepared.to, person))
                if question := " ".join(q for q in questions if q):
                    raise ConfirmationNeeded(question)
            result = _apply_and_queue(session, agent, request, prepared, decision, person)
            if quiet:
                _record_override(session, agent, result.message_id, request, quiet)
            if request.staged:
                forget_sent(session, agent, request.staged)
    except sa.exc.IntegrityError:
        # A concurrent double-click with the same idempotency key committed first.
        with transaction(engine) as session:
            if (done := _earlier_result(session, request.idempotency_key)) is not None:
                return done
        raise
    return result


def preview_send(
    *,
    actor: Actor | None,
    interaction_id: int | None,
    from_number: str,
    to: str,
    resolver: ProfileResolver | None = None,
    engine: Engine | None = None,
) -> Preview:
    """Which workflow Send would take now, in words; writes nothing."""
    request = SendRequest(
        from_number=from_number, to=to, body="preview", interaction_id=interaction_id
    )
    with reading(engine) as session:
        agent, source = _entry(session, actor, interaction_id)
        prepared = _prepare(session, request, source)
        situation, decision, person = _decide(session, agent, prepared, resolver, dry_run=True)
        asked = confirmation_needed(situation, decision)
        question = confirmation_text(session, asked, prepared.to, person) if asked else ""
    return Preview(decision.workflow, decision.plan(), prepared.to, question, prepared.assumed)


def _entry(
    session: Session, actor: Actor | None, interaction_id: int | None
) -> tuple[Actor, Interaction | None]:
    """The one role check of a Send or a preview: the agent's, with the interaction composed
    from (the access rule checks the role with it). Nothing after this checks it again."""
    if interaction_id:
        return access_interaction(session, actor, interaction_id)
    return require_role(actor, Role.AGENT), None


def _decide(
    session: Session,
    agent: Actor,
    prepared: _Prepared,
    resolver: ProfileResolver | None,
    *,
    dry_run: bool = False,
) -> tuple[SendSituation, SendDecision, PersonRef]:
    """The routing decision for a prepared Send (or its preview, `dry_run`), with the channel's
    chosen resolver unless one is given."""
    return decide(
        session,
        agent=agent,
        channel_id=prepared.channel.id,
        phone=prepared.to,
        context=prepared.context,
        resolver=resolver or get_resolver(session=session, channel_id=prepared.channel.id),
        dry_run=dry_run,
    )


def _earlier_result(session: Session, key: str | None) -> SendResult | None:
    if not key:
        return None
    message = session.exec(select(Message).where(Message.idempotency_key == key)).first()
    if message is None:
        return None
    interaction = session.get(Interaction, message.interaction_id)
    assert interaction is not None
    assert interaction.id is not None
    assert message.id is not None
    summary = f"already sent in {interaction.number}"
    return SendResult(message.id, interaction.id, interaction.number, None, summary, duplicate=True)


def _prepare(session: Session, request: SendRequest, source: Interaction | None) -> _Prepared:
    """Every refusal happens here, before anything is written."""
    channel = sms_channel(session)
    context = person_ref(source.consumer_id, source.contact_id) if source else None
    through_service = bool(channel.messaging_service_sid and channel.provider_numbers)
    if not request.from_number and not through_service:
        raise InvalidInput("Choose a From number: the channel sends from the number chosen.")
    if request.from_number and request.from_number not in channel.provider_numbers:
        raise InvalidInput(not_a_sender(session, channel, request.from_number))
    to, assumed = _parse_to(request.to, _region_of(session, context), channel.region)
    sender = request.from_number or service_from(session, to, channel.provider_numbers)
    if to in channel.provider_numbers:
        raise InvalidInput(f"{to} is one of the {channel.name} channel's own numbers, not a phone.")
    if problem := check_body(request.body, has_media=bool(request.files)):
        raise InvalidInput(problem)
    try:
        files = check_attachments(request.files, channel.policy)
    except AttachmentRejected as rejected:
        raise InvalidInput(str(rejected)) from rejected
    if stopped := refusal_of(session, sender=sender, phone=to):
        raise InvalidInput(stopped)
    return _Prepared(channel, sender, to, context, source, files, assumed)


def _quiet_hours(
    session: Session, request: SendRequest, prepared: _Prepared, person: PersonRef
) -> str:
    """Refuses a Send outside quiet hours (the same check on every Send path); "" when it may
    go, or the words overridden when the agent gave a reason to send now anyway."""
    at = request.send_at or utcnow()
    if request.send_at is not None and request.send_at.tzinfo is None:
        raise InvalidInput("A scheduled time needs its time zone.")
    judged = judge_quiet(session, at=at, channel=prepared.channel, phone=prepared.to, person=person)
    if judged.verdict.allowed:
        return ""
    if request.override_reason.strip() and request.send_at is None:
        return judged.verdict.words
    raise refusal(judged)


def _record_override(
    session: Session, agent: Actor, message_id: int, request: SendRequest, words: str
) -> None:
    message = session.get(Message, message_id)
    assert message is not None
    record(
        session=session,
        actor=agent,
        action=AuditAction.MESSAGE_QUIET_HOURS_OVERRIDDEN,
        entity=message,
        detail={"reason": request.override_reason.strip()[:400], "quiet_hours": words},
    )


def _region_of(session: Session, person: PersonRef | None) -> str | None:
    view = get_person(session, person) if person else None
    return view.country if view and view.country else None


def _parse_to(raw: str, person_region: str | None, region: str) -> tuple[str, str]:
    """E.164 and the country assumed: the person's region first, then the channel's."""
    reading = read_typed_number(raw, person_region=person_region, default_region=region)
    if not isinstance(reading.result, PhoneOk):
        raise InvalidInput(reading.result.message)
    return reading.result.e164, reading.assumed_country


def _apply_and_queue(
    session: Session,
    agent: Actor,
    request: SendRequest,
    prepared: _Prepared,
    decision: SendDecision,
    person: PersonRef,
) -> SendResult:
    source = prepared.source
    closes = decision.close_interaction_ids
    closing = closing_of(session, decision, agent.user_id) if closes else None
    target = apply_send_decision(
        session,
        agent=agent,
        decision=decision,
        channel_id=prepared.channel.id,
        phone=prepared.to,
        person=person,
        short_description=source.short_description if source else "",
    )
    if source is not None and source.case_id and not target.case_id:
        target.case_id = source.case_id
    assert target.id is not None
    scheduled = request.send_at is not None
    message = Message(
        interaction_id=target.id,
        direction=Direction.OUTBOUND,
        body=request.body,
        from_number=prepared.sender,
        to_number=prepared.to,
        messaging_service_sid=prepared.channel.messaging_service_sid,
        status=MessageStatus.SCHEDULED if scheduled else MessageStatus.QUEUED,
        scheduled_for=request.send_at,
        author_id=agent.user_id,
        idempotency_key=request.idempotency_key or None,
        segments=count_segments(request.body).segments,
    )
    session.add(message)
    session.flush()
    assert message.id is not None
    note_response(session, target.id, at=message.created_at)  # the Reports page's facts
    if not scheduled:  # a scheduled message becomes the last one when it goes
        wake_on_send(session, target, agent, now=message.created_at)
        note_last_message(
            target,
            body=request.body,
            attachments=len(request.files),
            inbound=False,
            at=message.created_at,
        )
    session.add(target)
    if not scheduled:  # an agent's reply stops the consumer's wait
        keep_due(session, [target.id], message.created_at)
    if request.files:
        _attach(session, agent, message.id, request.files, prepared.files)
    summary = _summary(decision, target.number)
    record(
        session=session,
        actor=agent,
        action=AuditAction.MESSAGE_SCHEDULED if scheduled else AuditAction.MESSAGE_QUEUED,
        entity=message,
        detail={
            "workflow": decision.workflow.value,
            "interaction": target.number,
            "to": prepared.to,
            "from": prepared.sender,
            "summary": summary,
            **({"scheduled_for": request.send_at.isoformat()} if request.send_at else {}),
        },
    )
    watchers = {agent.user_id, *(a for a in (target.assigned_agent_id,) if a)}
    events.after_commit(session, events.InteractionChanged(target.id, frozenset(watchers)))
    if closing is not None:
        tell_closing(session, closing, agent, prepared.to, target)
    wakeups.announce(session)
    after = decision.followed_by(target.id, target.number, target.profile_id)
    next_send = Preview(after.workflow, after.plan(), prepared.to, "", prepared.assumed)
    return SendResult(
        message.id, target.id, target.number, decision.workflow, summary, next=next_send
    )


def _attach(
    session: Session,
    agent: Actor,
    message_id: int,
    files: tuple[CandidateFile, ...],
    accepted: list[AcceptedFile],
) -> None:
    """The files' bytes stored and their rows, in the order they were attached."""
    stored = store_files(session, [candidate.data for candidate in files])
    for (key, digest), file in zip(stored, accepted, strict=True):
        session.add(
            Attachment(
                message_id=message_id,
                filename=file.filename,
                content_type=file.content_type,
                size=file.size,
                sha256=digest,
                storage_key=key,
                uploaded_by_id=agent.user_id,
            )
        )


def _summary(decision: SendDecision, number: str) -> str:
    """The decision in words, naming the interaction the message went to."""
    text = decision.describe()
    if decision.create_interaction:
        return text.replace("opened a new interaction", f"opened {number}")
    return text
