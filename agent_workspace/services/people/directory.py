"""Consumers and contacts as the workspace shows them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import ColumnElement
from sqlalchemy.engine import Engine
from sqlmodel import Session, and_, col, func, or_, select

from agent_workspace.db.engine import reading
from agent_workspace.domain.inputs import is_row_id, search_problem
from agent_workspace.domain.reach import LastOutcome, Reach, reach
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import (
    Account,
    Channel,
    ChannelUserProfile,
    Consumer,
    Contact,
    Direction,
    Interaction,
    InteractionType,
    Message,
    MessageStatus,
    PersonPhone,
    Role,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.errors import InvalidInput

PersonRows = type[PersonPhone] | type[ChannelUserProfile] | type[Interaction]
"""Tables whose rows belong to a consumer or a contact (one of the two ids is set)."""


@dataclass(frozen=True)
class PersonView:
    ref: PersonRef
    name: str
    account: str | None
    country: str | None
    phones: tuple[str, ...]  # E.164, primary first
    time_zone: str | None = None  # their own IANA zone, when an agent set one


def person_ref(consumer_id: int | None, contact_id: int | None) -> PersonRef | None:
    if consumer_id is not None:
        return PersonRef(PersonKind.CONSUMER, consumer_id)
    if contact_id is not None:
        return PersonRef(PersonKind.CONTACT, contact_id)
    return None


def person_ids(ref: PersonRef | None) -> tuple[int | None, int | None]:
    """The (consumer_id, contact_id) pair a table row stores for `ref`."""
    if ref is None:
        return None, None
    if ref.kind is PersonKind.CONSUMER:
        return ref.id, None
    return None, ref.id


def get_person(session: Session, ref: PersonRef) -> PersonView | None:
    return get_people(session, [ref]).get(ref)


def get_people(session: Session, refs: Iterable[PersonRef]) -> dict[PersonRef, PersonView]:
    """Many people in a fixed number of queries (lists show hundreds of rows); a ref whose id
    no row can have (sent by a client) is nobody."""
    wanted = {r for r in refs if is_row_id(r.id)}
    consumer_ids = [r.id for r in wanted if r.kind is PersonKind.CONSUMER]
    contact_ids = [r.id for r in wanted if r.kind is PersonKind.CONTACT]
    rows: dict[PersonRef, Consumer | Contact] = {}
    if consumer_ids:
        for c in session.exec(select(Consumer).where(col(Consumer.id).in_(consumer_ids))).all():
            assert c.id is not None
            rows[PersonRef(PersonKind.CONSUMER, c.id)] = c
    accounts: dict[int, str] = {}
    if contact_ids:
        contacts = session.exec(select(Contact).where(col(Contact.id).in_(contact_ids))).all()
        for k in contacts:
            assert k.id is not None
            rows[PersonRef(PersonKind.CONTACT, k.id)] = k
        account_ids = {k.account_id for k in contacts}
        accounts = {
            a.id: a.name
            for a in session.exec(select(Account).where(col(Account.id).in_(account_ids))).all()
            if a.id is not None
        }
    phones: dict[PersonRef, list[str]] = {}
    if rows:
        query = select(PersonPhone).where(
            col(PersonPhone.consumer_id).in_(consumer_ids)
            | col(PersonPhone.contact_id).in_(contact_ids)
        )
        for phone in session.exec(
            query.order_by(col(PersonPhone.is_primary).desc(), col(PersonPhone.id))
        ).all():
            ref = person_ref(phone.consumer_id, phone.contact_id)
            if ref is not None:
                phones.setdefault(ref, []).append(phone.e164)
    return {
        ref: PersonView(
            ref=ref,
            name=f"{row.first_name} {row.last_name}".strip(),
            account=accounts.get(row.account_id) if isinstance(row, Contact) else None,
            country=row.country,
            phones=tuple(phones.get(ref, ())),
            time_zone=row.time_zone,
        )
        for ref, row in rows.items()
    }


def belongs_to(table: PersonRows, ref: PersonRef) -> ColumnElement[bool]:
    """The condition for `table`'s rows of the person `ref` (its consumer_id or contact_id)."""
    consumer_id, contact_id = person_ids(ref)
    if consumer_id is not None:
        return col(table.consumer_id) == consumer_id
    return col(table.contact_id) == contact_id


def sms_phones(session: Session, ref: PersonRef) -> list[str]:
    """The phones that are the person's on the SMS channel (their active profiles), oldest
    first: replies from them come to this person, whether or not they are stored with them
    (an agent sent to one as Other, or a resolver linked it)."""
    return list(
        session.exec(
            select(ChannelUserProfile.phone)
            .where(belongs_to(ChannelUserProfile, ref), col(ChannelUserProfile.is_active))
            .order_by(col(ChannelUserProfile.id))
        ).all()
    )


#: The kind of a number the person has only as their SMS profile (not stored with them).
SMS_PROFILE = "sms profile"


def stored_kinds(session: Session, ref: PersonRef) -> dict[str, str]:
    """The person's numbers and the kind each is stored as: their own numbers (primary
    first), then those that are theirs on the SMS channel only (`SMS_PROFILE`)."""
    phones = session.exec(
        select(PersonPhone)
        .where(belongs_to(PersonPhone, ref))
        .order_by(col(PersonPhone.is_primary).desc(), col(PersonPhone.id))
    ).all()
    kinds = {p.e164: p.kind.value for p in phones}
    for phone in sms_phones(session, ref):
        kinds.setdefault(phone, SMS_PROFILE)
    return kinds


_ENDED = (MessageStatus.DELIVERED, MessageStatus.UNDELIVERED, MessageStatus.FAILED)


def reach_of(session: Session, kinds: Mapping[str, str]) -> dict[str, Reach]:
    """Each number (E.164 → the kind it is stored as) as a sender meets it: what its digits
    say, and how the latest message exchanged with it ended (domain/reach.py)."""
    return {
        e164: reach(e164, kind=kind, last=_last_outcome(session, e164))
        for e164, kind in kinds.items()
    }


def _last_outcome(session: Session, e164: str) -> LastOutcome | None:
    """The latest of our messages to `e164` that ended, or of its texts to us. Read through
    the phone's messaging interactions (every message with a number is in one), so the
    (channel, phone) and (interaction, time) indexes serve it however long the history."""
    found = session.exec(
        select(Message.status, Message.error_code)
        .join(Interaction, col(Interaction.id) == Message.interaction_id)
        .where(
            col(Interaction.channel_id).in_(select(Channel.id)),
            Interaction.phone == e164,
            Interaction.type == InteractionType.MESSAGING,
            or_(
                and_(col(Message.direction) == Direction.OUTBOUND, col(Message.status).in_(_ENDED)),
                col(Message.direction) == Direction.INBOUND,
            ),
        )
        .order_by(col(Message.created_at).desc(), col(Message.id).desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    status, code = found
    return LastOutcome(MessageStatus(status).value, code)


def owners_of_phone(session: Session, e164: str) -> list[PersonRef]:
    """Everyone whose stored numbers include `e164` (a shared phone has several)."""
    rows = session.exec(
        select(PersonPhone).where(PersonPhone.e164 == e164).order_by(col(PersonPhone.id))
    ).all()
    refs = [person_ref(r.consumer_id, r.contact_id) for r in rows]
    return [r for r in refs if r is not None]


def add_person(
    *,
    session: Session,
    kind: PersonKind,
    first_name: str,
    last_name: str,
    phones: tuple[str, ...] = (),
    country: str | None = None,
    account_id: int | None = None,
) -> PersonRef:
    """Adds a consumer or contact with numbers already in E.164 (the caller validated them)."""
    row: Consumer | Contact
    if kind is PersonKind.CONSUMER:
        row = Consumer(first_name=first_name, last_name=last_name, country=country)
    else:
        if account_id is None:
            raise ValueError("a contact belongs to an account")
        row = Contact(
            account_id=account_id, first_name=first_name, last_name=last_name, country=country
        )
    session.add(row)
    session.flush()
    assert row.id is not None
    ref = PersonRef(kind, row.id)
    for i, e164 in enumerate(phones):
        consumer_id, contact_id = person_ids(ref)
        session.add(
            PersonPhone(
                consumer_id=consumer_id, contact_id=contact_id, e164=e164, is_primary=i == 0
            )
        )
    session.flush()
    return ref


def list_people(*, actor: Actor | None, engine: Engine | None = None) -> list[PersonView]:
    """Consumers and contacts an agent can open an interaction about, by name."""
    require_role(actor, Role.AGENT)
    with reading(engine) as session:
        refs = [
            PersonRef(PersonKind.CONSUMER, i)
            for i in session.exec(select(Consumer.id).order_by(col(Consumer.id)).limit(500)).all()
            if i is not None
        ] + [
            PersonRef(PersonKind.CONTACT, i)
            for i in session.exec(select(Contact.id).order_by(col(Contact.id)).limit(500)).all()
            if i is not None
        ]
        views = list(get_people(session, refs).values())
        return sorted(views, key=lambda v: v.name.lower())


def search_people(
    *, actor: Actor | None, text: str, limit: int = 20, engine: Engine | None = None
) -> list[PersonView]:
    """Consumers and contacts whose name or number contains `text` (the Details lookup)."""
    require_role(actor, Role.AGENT)
    if problem := search_problem(text):
        raise InvalidInput(problem)
    wanted = text.strip()
    if not wanted:
        return []
    like = f"%{wanted.replace('%', '').replace('_', '')}%"
    digits = "".join(ch for ch in wanted if ch.isdigit())
    with reading(engine) as session:
        refs: list[PersonRef] = []
        for model, kind in ((Consumer, PersonKind.CONSUMER), (Contact, PersonKind.CONTACT)):
            full = func.coalesce(model.first_name, "") + " " + func.coalesce(model.last_name, "")
            ids = session.exec(
                select(model.id).where(full.ilike(like)).order_by(col(model.id)).limit(limit)
            ).all()
            refs += [PersonRef(kind, i) for i in ids if i is not None]
        if len(digits) >= 3:
            for phone in session.exec(
                select(PersonPhone).where(col(PersonPhone.e164).like(f"%{digits}%")).limit(limit)
            ).all():
                ref = person_ref(phone.consumer_id, phone.contact_id)
                if ref is not None and ref not in refs:
                    refs.append(ref)
        views = list(get_people(session, refs).values())
        return sorted(views, key=lambda v: v.name.lower())[:limit]
