"""Importing people from a CSV file (Administration and `cli import-people`).

All or nothing: every row is checked by the rules the person form uses (domain/people.py,
numbers read as Compose reads them); if any row is refused, nothing is written and the report
lists every refused row with its reason, so the file is fixed and imported again. Otherwise
the whole file is written in one transaction. An "Opted out" or "SMS consent" column records
consent in the ledger (source "import", the administrator the actor); a value neither yes nor
no refuses its row like any other problem.

A row whose numbers or e-mail belong to exactly one known person updates that person (a blank
cell keeps what is stored; numbers are added, never removed); a row that would match several
people, or that repeats a number or e-mail of an earlier row, is refused. New people are
inserted in bulk (one statement per batch), so 100,000 rows take seconds, not minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import advisory_lock
from agent_workspace.domain.consent import IMPORTED, import_may_lift
from agent_workspace.domain.people import PersonDraft, check_person
from agent_workspace.domain.people_csv import (
    CsvProblem,
    guess_mapping,
    mapping_problem,
    read_csv,
    row_consent,
    row_fields,
)
from agent_workspace.domain.phone import display_phone
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import Account, Consumer, Contact, PersonPhone, PhoneKind, utcnow
from agent_workspace.services.access import Actor, admin_or_cli
from agent_workspace.services.audit import AuditAction, record, record_rows, row
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.people import editing
from agent_workspace.services.people.directory import person_ref
from agent_workspace.services.people.ledger import our_numbers, set_opt_out, subscriptions_of

IMPORT_LOCK = "people:import"
BATCH = 5_000


@dataclass(frozen=True)
class Refusal:
    row: int  # as a spreadsheet numbers it (the header is row 1)
    reason: str


@dataclass(frozen=True)
class ImportReport:
    rows: int
    created: int
    updated: int
    unchanged: int
    refused: tuple[Refusal, ...]
    mapping: dict[str, str]
    consent_changes: int = 0  # opt-outs and opt-ins the consent column recorded

    @property
    def written(self) -> bool:
        return not self.refused and self.created + self.updated + self.consent_changes > 0

    def summary(self) -> str:
        """What was imported, e.g. "Imported 4 rows: 3 created, 1 updated, 0 unchanged."."""
        said = (
            f"Imported {self.rows:,} rows: {self.created:,} created, {self.updated:,} updated, "
            f"{self.unchanged:,} unchanged."
        )
        if self.consent_changes:
            said += f" {self.consent_changes:,} consent changes recorded (source: import)."
        return said


@dataclass
class _Known:
    """Who already has each number and e-mail (lower-cased), read once for the whole file."""

    phones: dict[str, set[PersonRef]]
    emails: dict[str, set[PersonRef]]
    accounts: dict[str, int]  # lower-cased name → id


def import_people(
    *,
    actor: Actor | None,
    text: str,
    mapping: Mapping[str, str] | None = None,
    source: str = "",
    via: str | None = None,
    engine: Engine | None = None,
) -> ImportReport:
    """Imports the CSV `text` with `mapping` (field → column; guessed from the header when
    None). Administrators, or the CLI as the system (`actor=None, via="cli"`)."""
    editor = admin_or_cli(actor, via)
    try:
        header, rows = read_csv(text)
        chosen = dict(mapping) if mapping is not None else guess_mapping(header)
        if problem := mapping_problem(header, chosen):
            raise InvalidInput(problem)
        with transaction(engine) as session:
            advisory_lock(session, IMPORT_LOCK)
            region = editing.people_region(session)
            known = _load(session)
            creates: list[tuple[int, PersonDraft]] = []
            updates: list[tuple[int, PersonDraft, PersonRef]] = []
            refused: list[Refusal] = []
            consent: list[tuple[tuple[str, ...], bool]] = []  # a row's numbers, opted out?
            first_row: dict[str, int] = {}  # number or e-mail → the row that had it first
            count = 0
            for csv_row in rows:
                count += 1
                draft = check_person(row_fields(csv_row, header, chosen), default_region=region)
                if isinstance(draft, dict):
                    refused.append(Refusal(csv_row.number, _reasons(draft)))
                    continue
                match = _match(draft, known)
                if isinstance(match, str):
                    refused.append(Refusal(csv_row.number, match))
                    continue
                if clash := _repeated(draft, match, csv_row.number, first_row):
                    refused.append(Refusal(csv_row.number, clash))
                    continue
                said = row_consent(csv_row, header, chosen)
                if said.problem:
                    refused.append(Refusal(csv_row.number, said.problem))
                    continue
                if said.opted_out is not None and draft.phones:
                    consent.append((tuple(draft.phones), said.opted_out))
                if match is None:
                    creates.append((csv_row.number, draft))
                else:
                    updates.append((csv_row.number, draft, match))
            if refused or not count:
                session.rollback()
                return ImportReport(count, 0, 0, 0, tuple(refused), chosen)
            updated = sum(_update(session, ref, draft, editor) for _, draft, ref in updates)
            _insert(session, [d for _, d in creates], known, editor)
            changes = _record_consent(session, consent, editor)
            report = ImportReport(
                count, len(creates), updated, len(updates) - updated, (), chosen, changes
            )
            detail: dict[str, Any] = {
                "source": source,
                "rows": count,
                "created": report.created,
                "updated": report.updated,
                "unchanged": report.unchanged,
            }
            if consent:
                detail["consent_changes"] = changes
            session.flush()
            imported = row(
                actor=editor,
                action=AuditAction.PEOPLE_IMPORTED,
                entity_type="person",
                entity_id=None,
                interaction_id=None,
                detail=detail,
                via=via,
            )
            record_rows(session.connection(), [imported])
            return report
    except CsvProblem as problem:
        raise InvalidInput(str(problem)) from None


def _record_consent(
    session: Session, consent: list[tuple[tuple[str, ...], bool]], editor: Actor | str
) -> int:
    """The consent column's changes through the ledger's one writer (source "import", the
    administrator the actor): an opt-out from every number of the channel; an opt-in lifts
    the opt-outs the team recorded, never a STOP the phone texted (domain/consent.py)."""
    if not consent:
        return 0
    senders = our_numbers(session)
    if not senders:
        raise InvalidInput(
            "The file records SMS consent: set up the SMS channel and its numbers first."
        )
    lifted = {
        (sub.sender, phone)
        for phone, sub in subscriptions_of(session, [p for phones, _ in consent for p in phones])
        if import_may_lift(sub)
    }
    changes = 0
    for phones, opted_out in consent:
        for phone in phones:
            to = senders if opted_out else [s for s, p in sorted(lifted) if p == phone]
            for sender in to:
                changes += set_opt_out(
                    session,
                    sender=sender,
                    phone=phone,
                    opted_out=opted_out,
                    keyword="",
                    why=IMPORTED,
                    actor=editor,
                )
    return changes


def _load(session: Session) -> _Known:
    phones: dict[str, set[PersonRef]] = {}
    for e164, consumer_id, contact_id in session.exec(
        select(PersonPhone.e164, PersonPhone.consumer_id, PersonPhone.contact_id)
    ).all():
        ref = person_ref(consumer_id, contact_id)
        if ref is not None:
            phones.setdefault(e164, set()).add(ref)
    emails: dict[str, set[PersonRef]] = {}
    for model, kind in ((Consumer, PersonKind.CONSUMER), (Contact, PersonKind.CONTACT)):
        for person_id, email in session.exec(
            select(model.id, model.email).where(col(model.email).is_not(None))
        ).all():
            if person_id is not None and email:
                emails.setdefault(email.lower(), set()).add(PersonRef(kind, person_id))
    accounts = {
        name.lower(): account_id
        for account_id, name in session.exec(
            select(Account.id, Account.name).order_by(col(Account.id).desc())
        ).all()
        if account_id is not None
    }
    return _Known(phones, emails, accounts)


def _match(draft: PersonDraft, known: _Known) -> PersonRef | str | None:
    """The known person the row updates, None for a new one, or why it is refused."""
    by_phone: set[PersonRef] = set()
    for e164 in draft.phones:
        by_phone |= known.phones.get(e164, set())
    by_email = known.emails.get(draft.email.lower(), set()) if draft.email else set()
    if len(by_phone) > 1:
        shown = ", ".join(display_phone(p) for p in draft.phones if p in known.phones)
        return f"{shown}: the numbers belong to several people already; one row, one person."
    if len(by_email) > 1 and not by_phone:
        return f"{draft.email} is the e-mail of several people already."
    if by_phone and by_email and not by_phone & by_email:
        return f"{draft.email} is another person's e-mail than the one who has these numbers."
    found = by_phone or by_email
    return next(iter(found)) if found else None


def _repeated(
    draft: PersonDraft, match: PersonRef | None, number: int, first_row: dict[str, int]
) -> str:
    keys = [*draft.phones, *([draft.email.lower()] if draft.email else [])]
    if match is not None:
        keys.append(f"{match.kind.value}:{match.id}")
    for key in keys:
        if key in first_row:
            what = (
                "updates the same person as"
                if ":" in key
                else f"repeats {display_phone(key) if key.startswith('+') else key} of"
            )
            return f"This row {what} row {first_row[key]}."
    for key in keys:
        first_row[key] = number
    return ""


def _update(session: Session, ref: PersonRef, draft: PersonDraft, editor: Actor | str) -> bool:
    """Applies a row to a known person: blank cells keep what is stored, numbers are added."""
    row_ = editing.stored_row(session, ref)
    stored = editing.stored_draft(session, ref, row_)
    merged = replace(
        draft,
        last_name=draft.last_name or stored.last_name,
        email=draft.email or stored.email,
        account=draft.account or stored.account,
        country=draft.country or stored.country,
        time_zone=draft.time_zone or stored.time_zone,
        numbers=stored.numbers + tuple(n for n in draft.numbers if n[0] not in stored.phones),
    )
    merged = replace(merged, kind=PersonKind.CONTACT if merged.account else PersonKind.CONSUMER)
    if editing.audit_detail(merged) == editing.audit_detail(stored):
        return False
    target = editing.apply_draft(session, ref, row_, merged, editor)
    record(
        session=session,
        actor=editor,
        action=AuditAction.PERSON_UPDATED,
        entity=editing.stored_row(session, target),
        detail={"before": editing.audit_detail(stored), "after": editing.audit_detail(merged)},
    )
    return True


def _insert(
    session: Session, drafts: list[PersonDraft], known: _Known, editor: Actor | str
) -> None:
    """New people in bulk: their accounts, then consumers and contacts, then their numbers."""
    now = utcnow()
    new_accounts = sorted(
        {d.account for d in drafts if d.account and d.account.lower() not in known.accounts}
    )
    audit: list[dict[str, Any]] = []
    for name in new_accounts:
        if name.lower() in known.accounts:
            continue  # the same account spelled in another case on another row
        account = Account(name=name, created_at=now)
        session.add(account)
        session.flush()
        assert account.id is not None
        known.accounts[name.lower()] = account.id
        audit.append(
            row(
                actor=editor,
                action=AuditAction.ACCOUNT_CREATED,
                entity_type="account",
                entity_id=account.id,
                interaction_id=None,
                detail={"name": name, "via": "import"},
            )
        )
    record_rows(session.connection(), audit)
    for start in range(0, len(drafts), BATCH):
        batch = drafts[start : start + BATCH]
        consumers = [d for d in batch if d.kind is PersonKind.CONSUMER]
        contacts = [d for d in batch if d.kind is PersonKind.CONTACT]
        phones: list[dict[str, Any]] = []
        for model, group, column in (
            (Consumer, consumers, "consumer_id"),
            (Contact, contacts, "contact_id"),
        ):
            if not group:
                continue
            values = [_columns(d, known, now, with_account=model is Contact) for d in group]
            table: sa.Table = model.__table__  # type: ignore[union-attr]
            ids = session.execute(
                sa.insert(table).returning(table.c.id, sort_by_parameter_order=True), values
            ).scalars()
            for person_id, draft in zip(ids, group, strict=True):
                phones += [
                    {
                        "consumer_id": person_id if column == "consumer_id" else None,
                        "contact_id": person_id if column == "contact_id" else None,
                        "e164": e164,
                        "kind": PhoneKind(kind),
                        "is_primary": index == 0,
                    }
                    for index, (e164, kind) in enumerate(draft.numbers)
                ]
        if phones:
            session.execute(sa.insert(PersonPhone), phones)


def _columns(
    draft: PersonDraft, known: _Known, now: object, *, with_account: bool
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "first_name": draft.first_name,
        "last_name": draft.last_name,
        "email": draft.email,
        "country": draft.country,
        "created_at": now,
    }
    if with_account:
        assert draft.account is not None
        values["account_id"] = known.accounts[draft.account.lower()]
    return values


def _reasons(problems: dict[str, str]) -> str:
    return " ".join(problems.values())
