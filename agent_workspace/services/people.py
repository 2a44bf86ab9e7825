"""Consumers and contacts as the workspace shows them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import Account, Consumer, Contact, PersonPhone, Role
from agent_workspace.services.access import Actor, require_role


@dataclass(frozen=True)
class PersonView:
    ref: PersonRef
    name: str
    account: str | None
    country: str | None
    phones: tuple[str, ...]  # E.164, primary first


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
    account: str | None = None
    row: Consumer | Contact | None
    if ref.kind is PersonKind.CONSUMER:
        row = session.get(Consumer, ref.id)
        phone_filter = col(PersonPhone.consumer_id) == ref.id
    else:
        row = session.get(Contact, ref.id)
        phone_filter = col(PersonPhone.contact_id) == ref.id
        if isinstance(row, Contact):
            acct = session.get(Account, row.account_id)
            account = acct.name if acct else None
    if row is None:
        return None
    phones = session.exec(
        select(PersonPhone).where(phone_filter).order_by(col(PersonPhone.is_primary).desc())
    ).all()
    return PersonView(
        ref=ref,
        name=f"{row.first_name} {row.last_name}".strip(),
        account=account,
        country=row.country,
        phones=tuple(p.e164 for p in phones),
    )


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
    with transaction(engine) as session:
        refs = [
            PersonRef(PersonKind.CONSUMER, i)
            for i in session.exec(select(Consumer.id).order_by(col(Consumer.id)).limit(500)).all()
            if i is not None
        ] + [
            PersonRef(PersonKind.CONTACT, i)
            for i in session.exec(select(Contact.id).order_by(col(Contact.id)).limit(500)).all()
            if i is not None
        ]
        views = [v for r in refs if (v := get_person(session, r)) is not None]
        return sorted(views, key=lambda v: v.name.lower())
