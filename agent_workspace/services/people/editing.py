"""Agents and administrators create and edit people: consumers, and contacts at accounts.

Every way in (New, "Save as a person", the person panel, the CLI) checks the person with
`domain.people.check_person`, so numbers are read as Compose reads them. A number that is
already someone else's is never stored twice silently: the change is refused with
`DuplicateNumbers`, naming whose it is, and the screen offers that person instead, or a save
that shares the number on purpose (a family phone). Each change is one transaction and one
audit row naming the user.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace.config import get_settings
from agent_workspace.db.engine import reading, transaction
from agent_workspace.domain.inputs import is_row_id
from agent_workspace.domain.people import PersonDraft, PersonFields, check_person, is_placeholder
from agent_workspace.domain.phone import display_phone
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import (
    Account,
    Channel,
    ChannelKind,
    ChannelUserProfile,
    Consumer,
    Contact,
    CustomerCase,
    Interaction,
    PersonPhone,
    PhoneKind,
    Role,
)
from agent_workspace.services.access import Actor, require_role
from agent_workspace.services.audit import AuditAction, record, save_and_record
from agent_workspace.services.errors import FieldProblems, InvalidInput, NotFound
from agent_workspace.services.people.directory import (
    PersonView,
    belongs_to,
    get_people,
    get_person,
    person_ids,
    person_ref,
)

NO_SUCH_PERSON = "That consumer or contact does not exist (any more)."


class DuplicateNumbers(InvalidInput):
    """A number of the person is already someone else's; `owners` are those people."""

    def __init__(self, message: str, owners: tuple[PersonView, ...]) -> None:
        super().__init__(message)
        self.owners = owners


@dataclass(frozen=True)
class Saved:
    person: PersonView
    changed: bool


def require_editor(actor: Actor | None) -> Actor:
    """Agents and administrators edit people; anyone else is refused."""
    if actor is not None and actor.has(Role.ADMIN):
        return actor
    return require_role(actor, Role.AGENT)


def people_region(session: Session) -> str:
    """Where numbers without a country code are read: the SMS channel's region, else the
    deployment's (a fresh install may import people before it has a channel)."""
    region = session.exec(
        select(Channel.default_region)
        .where(Channel.kind == ChannelKind.SMS)
        .order_by(col(Channel.id))
    ).first()
    return region or get_settings().default_region


def checked(session: Session, fields: PersonFields) -> PersonDraft:
    draft = check_person(fields, default_region=people_region(session))
    if isinstance(draft, dict):
        raise FieldProblems(draft)
    return draft


def create_person(
    *,
    actor: Actor | None,
    fields: PersonFields,
    share_numbers: bool = False,
    engine: Engine | None = None,
) -> PersonView:
    """Adds a consumer, or a contact at the named account (found by name, else created)."""
    editor = require_editor(actor)
    with transaction(engine) as session:
        draft = checked(session, fields)
        if not share_numbers:
            refuse_duplicates(session, draft.phones, None)
        ref = insert_person(session, draft, editor)
        record(
            session=session,
            actor=editor,
            action=AuditAction.PERSON_CREATED,
            entity=stored_row(session, ref),
            detail=audit_detail(draft),
        )
        view = get_person(session, ref)
        assert view is not None
        return view


def update_person(
    *,
    actor: Actor | None,
    ref: PersonRef,
    fields: PersonFields,
    share_numbers: bool = False,
    engine: Engine | None = None,
) -> Saved:
    """Replaces the person's names, numbers, e-mail, country and account. Naming an account
    makes a consumer a contact (and none a contact a consumer): their interactions, cases and
    SMS profiles follow. The same values again write nothing."""
    editor = require_editor(actor)
    with transaction(engine) as session:
        row = stored_row(session, ref)
        draft = checked(session, fields)
        stored = stored_draft(session, ref, row)
        if not share_numbers:  # a number they already share stays shared
            added = tuple(p for p in draft.phones if p not in stored.phones)
            refuse_duplicates(session, added, ref)
        before = audit_detail(stored)
        if before == audit_detail(draft):
            return Saved(_view(session, ref), False)
        target = apply_draft(session, ref, row, draft, editor)
        record(
            session=session,
            actor=editor,
            action=AuditAction.PERSON_UPDATED,
            entity=stored_row(session, target),
            detail={"before": before, "after": audit_detail(draft), "was": _name(ref)},
        )
        return Saved(_view(session, target), True)


def person_fields(
    *, actor: Actor | None, ref: PersonRef, engine: Engine | None = None
) -> PersonFields:
    """The person as the edit form shows them; a stand-in ("Unknown (+1…)") has no name yet."""
    require_editor(actor)
    with reading(engine) as session:
        row = stored_row(session, ref)
        draft = stored_draft(session, ref, row)
        mobile = [n for n, kind in draft.numbers if kind == PhoneKind.MOBILE.value][:1]
        others = [n for n, _ in draft.numbers if n not in mobile]
        placeholder = is_placeholder(row.first_name, row.last_name)
        return PersonFields(
            first_name="" if placeholder else row.first_name,
            last_name="" if placeholder else row.last_name,
            mobile=mobile[0] if mobile else "",
            other_numbers="; ".join(others),
            email=row.email or "",
            account=draft.account or "",
            country=row.country or "",
            time_zone=row.time_zone or "",
        )


def person_view(*, actor: Actor | None, ref: PersonRef, engine: Engine | None = None) -> PersonView:
    require_editor(actor)
    with reading(engine) as session:
        stored_row(session, ref)
        return _view(session, ref)


def merge_placeholder(
    *, actor: Actor | None, placeholder: PersonRef, into: PersonRef, engine: Engine | None = None
) -> PersonView:
    """ "It is Maria": the stand-in made for an unknown number becomes `into`: its interactions,
    SMS profile and numbers are theirs, and the stand-in is gone."""
    editor = require_editor(actor)
    with transaction(engine) as session:
        source = stored_row(session, placeholder)
        if not is_placeholder(source.first_name, source.last_name):
            raise InvalidInput(
                f"{source.first_name} {source.last_name} is a known person; only an "
                "unknown number's stand-in can be merged into someone."
            )
        stored_row(session, into)
        if into == placeholder:
            raise InvalidInput("Choose another person to merge into.")
        move_person(session, placeholder, into)
        record(
            session=session,
            actor=editor,
            action=AuditAction.PERSON_MERGED,
            entity=stored_row(session, into),
            detail={"from": _name(placeholder), "stand_in": source.last_name},
        )
        return _view(session, into)


def refuse_duplicates(session: Session, phones: tuple[str, ...], own: PersonRef | None) -> None:
    """DuplicateNumbers when another person already has one of `phones`."""
    if not phones:
        return
    rows = session.exec(
        select(PersonPhone).where(col(PersonPhone.e164).in_(phones)).order_by(col(PersonPhone.id))
    ).all()
    owners: dict[PersonRef, str] = {}
    for phone in rows:
        ref = person_ref(phone.consumer_id, phone.contact_id)
        if ref is not None and ref != own:
            owners.setdefault(ref, phone.e164)
    if not owners:
        return
    views = get_people(session, owners)
    found = tuple(views[r] for r in owners if r in views)
    whose = "; ".join(f"{display_phone(owners[v.ref])} is {_label(v)}'s" for v in found)
    raise DuplicateNumbers(
        f"{whose}. Choose that person, or save anyway to share the number.", found
    )


def insert_person(session: Session, draft: PersonDraft, editor: Actor | str) -> PersonRef:
    """Adds the person and their numbers in the caller's transaction."""
    account_id = account_for(session, draft.account, editor) if draft.account else None
    row: Consumer | Contact
    if draft.kind is PersonKind.CONTACT:
        assert account_id is not None
        row = Contact(account_id=account_id, first_name=draft.first_name, last_name="")
    else:
        row = Consumer(first_name=draft.first_name, last_name="")
    for column, value in _columns(draft).items():
        setattr(row, column, value)
    session.add(row)
    session.flush()
    assert row.id is not None
    ref = PersonRef(draft.kind, row.id)
    _store_numbers(session, ref, draft)
    return ref


def account_for(session: Session, name: str, editor: Actor | str) -> int:
    """The account called `name` (any case), created when there is none."""
    found = session.exec(
        select(Account.id).where(func.lower(Account.name) == name.lower()).order_by(col(Account.id))
    ).first()
    if found is not None:
        return found
    account = Account(name=name)
    save_and_record(
        session=session,
        actor=editor,
        action=AuditAction.ACCOUNT_CREATED,
        entity=account,
        detail={"name": name},
    )
    assert account.id is not None
    return account.id


def move_person(session: Session, source: PersonRef, target: PersonRef) -> None:
    """Everything that names `source` names `target` instead; `source` is deleted. Numbers
    `target` already has are not stored twice."""
    consumer_id, contact_id = person_ids(target)
    values = {"consumer_id": consumer_id, "contact_id": contact_id}
    tables: tuple[type[Interaction] | type[ChannelUserProfile] | type[CustomerCase], ...] = (
        Interaction,
        ChannelUserProfile,
        CustomerCase,
    )
    for table in tables:
        column = table.consumer_id if source.kind is PersonKind.CONSUMER else table.contact_id
        session.execute(sa.update(table).where(col(column) == source.id).values(**values))
    theirs = set(
        session.exec(select(PersonPhone.e164).where(belongs_to(PersonPhone, target))).all()
    )
    for phone in session.exec(select(PersonPhone).where(belongs_to(PersonPhone, source))).all():
        if phone.e164 in theirs:
            session.delete(phone)
        else:
            phone.consumer_id, phone.contact_id = consumer_id, contact_id
            phone.is_primary = False
            session.add(phone)
    session.flush()
    session.delete(stored_row(session, source))
    session.flush()


def apply_draft(
    session: Session,
    ref: PersonRef,
    row: Consumer | Contact,
    draft: PersonDraft,
    editor: Actor | str,
) -> PersonRef:
    """Makes the stored person the draft, in the caller's transaction; a change of kind
    (an account named or dropped) moves them to a new row, whose ref is returned."""
    if draft.kind is not ref.kind:
        target = insert_person(session, draft, editor)
        move_person(session, ref, target)
        _store_numbers(session, target, draft)
        return target
    for column, value in _columns(draft).items():
        setattr(row, column, value)
    if isinstance(row, Contact) and draft.account:
        row.account_id = account_for(session, draft.account, editor)
    session.add(row)
    _store_numbers(session, ref, draft)
    return ref


def _store_numbers(session: Session, ref: PersonRef, draft: PersonDraft) -> None:
    """Makes the person's stored numbers exactly the draft's, first one primary."""
    existing = {
        p.e164: p for p in session.exec(select(PersonPhone).where(belongs_to(PersonPhone, ref)))
    }
    consumer_id, contact_id = person_ids(ref)
    for index, (e164, kind) in enumerate(draft.numbers):
        phone = existing.pop(e164, None) or PersonPhone(
            consumer_id=consumer_id, contact_id=contact_id, e164=e164
        )
        phone.kind, phone.is_primary = PhoneKind(kind), index == 0
        session.add(phone)
    for gone in existing.values():
        session.delete(gone)
    session.flush()


def stored_draft(session: Session, ref: PersonRef, row: Consumer | Contact) -> PersonDraft:
    phones = session.exec(
        select(PersonPhone)
        .where(belongs_to(PersonPhone, ref))
        .order_by(col(PersonPhone.is_primary).desc(), col(PersonPhone.id))
    ).all()
    account = session.get(Account, row.account_id) if isinstance(row, Contact) else None
    return PersonDraft(
        kind=ref.kind,
        first_name=row.first_name,
        last_name=row.last_name,
        numbers=tuple((p.e164, p.kind.value) for p in phones),
        email=row.email,
        account=account.name if account else None,
        country=row.country,
        time_zone=row.time_zone,
    )


def _columns(draft: PersonDraft) -> dict[str, object]:
    return {
        "first_name": draft.first_name,
        "last_name": draft.last_name,
        "email": draft.email,
        "country": draft.country,
        "time_zone": draft.time_zone,
    }


def audit_detail(draft: PersonDraft) -> dict[str, object]:
    return {
        "kind": draft.kind.value,
        "name": f"{draft.first_name} {draft.last_name}".strip(),
        "numbers": [n for n, _ in draft.numbers],
        "kinds": [k for _, k in draft.numbers],
        "email": draft.email,
        "account": draft.account,
        "country": draft.country,
        "time_zone": draft.time_zone,
    }


def stored_row(session: Session, ref: PersonRef) -> Consumer | Contact:
    row: Consumer | Contact | None = None
    if is_row_id(ref.id) and ref.kind is PersonKind.CONSUMER:
        row = session.get(Consumer, ref.id)
    elif is_row_id(ref.id):
        row = session.get(Contact, ref.id)
    if row is None:
        raise NotFound(NO_SUCH_PERSON)
    return row


def _view(session: Session, ref: PersonRef) -> PersonView:
    view = get_person(session, ref)
    assert view is not None
    return view


def _name(ref: PersonRef) -> str:
    return f"{ref.kind.value}:{ref.id}"


def _label(view: PersonView) -> str:
    return f"{view.name} ({view.account or view.ref.kind.value})"
