"""The rules a person (a consumer, or a contact at an account) must meet to be stored.

One check serves every way people come in: the New dialog, "Save as a person", the person
panel, the CSV import and the CLI. Numbers go through the normaliser Compose uses
(`read_typed_number`: the person's country first, then the workspace's), so a number typed
here reads exactly as it would under Other. A person is a contact exactly when an account is
named; otherwise a consumer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from agent_workspace.domain.names import hidden_character_problem
from agent_workspace.domain.phone import PhoneOk, display_phone, read_typed_number
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.domain.times import known_zone

MAX_NAME = 80  # Consumer/Contact first_name, last_name
MAX_ACCOUNT = 160  # Account.name
MAX_EMAIL = 254
MAX_NUMBERS = 10
MOBILE = "mobile"
OTHER = "other"  # PhoneKind values
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_SEPARATORS = re.compile(r"[;,|\n]")
# An inbound text or a Send to a number nobody has makes "Unknown (+14155550123)".
PLACEHOLDER_FIRST = "Unknown"
_PLACEHOLDER_LAST = re.compile(r"\(\+[0-9]{7,15}\)")


@dataclass(frozen=True)
class PersonFields:
    """A person as typed (a form, a CSV row): text, unchecked."""

    first_name: str = ""
    last_name: str = ""
    mobile: str = ""
    other_numbers: str = ""  # several, separated by ";" or ","
    email: str = ""
    account: str = ""  # a contact's account; empty for a consumer
    country: str = ""  # ISO region numbers without a country code are read in first
    time_zone: str = ""  # IANA zone their time is read in; empty: their number's


@dataclass(frozen=True)
class PersonDraft:
    """A person that may be stored: trimmed, numbers in E.164 with their kind, mobile first."""

    kind: PersonKind
    first_name: str
    last_name: str
    numbers: tuple[tuple[str, str], ...]  # (E.164, "mobile" | "other")
    email: str | None
    account: str | None
    country: str | None
    time_zone: str | None = None

    @property
    def phones(self) -> tuple[str, ...]:
        return tuple(e164 for e164, _ in self.numbers)


def person_value(ref: PersonRef) -> str:
    """A person as a list offers them and sends them back, e.g. "consumer:12"."""
    return f"{ref.kind.value}:{ref.id}"


def person_of_value(value: str) -> PersonRef | None:
    """The person a list's value names; None for what `person_value` does not make (another
    kind, no id, an id longer than ten digits)."""
    kind, _, raw = value.partition(":")
    if kind not in {k.value for k in PersonKind} or not raw.isdigit() or len(raw) > 10:
        return None
    return PersonRef(PersonKind(kind), int(raw))


def is_placeholder(first_name: str, last_name: str) -> bool:
    """Whether a person is the stand-in made for a number nobody had ("Unknown (+1…)")."""
    return first_name == PLACEHOLDER_FIRST and _PLACEHOLDER_LAST.fullmatch(last_name) is not None


def check_person(fields: PersonFields, *, default_region: str) -> PersonDraft | dict[str, str]:
    """The person to store, or what is wrong, by field ("first_name", "mobile", ...), in the
    order the form reads."""
    problems: dict[str, str] = {}
    first = " ".join(fields.first_name.split())
    last = " ".join(fields.last_name.split())
    account = " ".join(fields.account.split())
    email = fields.email.strip()
    country = fields.country.strip().upper()
    if problem := _name_problem(first, what="The first name", required=True):
        problems["first_name"] = problem
    if problem := _name_problem(last, what="The last name", required=False):
        problems["last_name"] = problem
    if country and country not in phonenumbers.SUPPORTED_REGIONS:
        problems["country"] = f"{country!r} is not a country code (two letters, e.g. US, GB)."
        country = ""
    numbers = _numbers(fields, country or None, default_region, problems)
    if email and not (len(email) <= MAX_EMAIL and _EMAIL.fullmatch(email)):
        problems["email"] = f"{email!r} is not an e-mail address."
    if problem := _account_problem(account):
        problems["account"] = problem
    zone = fields.time_zone.strip()
    if zone and known_zone(zone) != zone:
        problems["time_zone"] = (
            f"{zone[:40]!r} is not a time zone (e.g. America/Los_Angeles, Asia/Tokyo): "
            "choose one from the list."
        )
    if problems:
        return problems
    return PersonDraft(
        kind=PersonKind.CONTACT if account else PersonKind.CONSUMER,
        first_name=first,
        last_name=last,
        numbers=numbers,
        email=email or None,
        account=account or None,
        country=country or None,
        time_zone=zone or None,
    )


def split_numbers(text: str) -> list[str]:
    """The numbers of a field that holds several ("+44 20 7946 0958; 0412 345 678")."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def _numbers(
    fields: PersonFields, country: str | None, default_region: str, problems: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    found: list[tuple[str, str]] = []
    typed = [(fields.mobile.strip(), MOBILE)] if fields.mobile.strip() else []
    typed += [(text, OTHER) for text in split_numbers(fields.other_numbers)]
    if len(typed) > MAX_NUMBERS:
        problems["other_numbers"] = f"A person has at most {MAX_NUMBERS} numbers."
        return ()
    for text, kind in typed:
        field = "mobile" if kind == MOBILE else "other_numbers"
        mobile = kind == MOBILE
        reading = read_typed_number(
            text, person_region=country, default_region=default_region, require_mobile=mobile
        )
        if not isinstance(reading.result, PhoneOk):
            problems.setdefault(field, reading.result.message)
            continue
        e164 = reading.result.e164
        if e164 in (n for n, _ in found):
            problems.setdefault(field, f"{display_phone(e164)} is listed twice.")
            continue
        found.append((e164, kind))
    return tuple(found)


def _name_problem(name: str, *, what: str, required: bool) -> str | None:
    if required and not name:
        return f"{what} is required."
    if len(name) > MAX_NAME:
        return f"{what} has at most {MAX_NAME} characters ({len(name)} given)."
    return hidden_character_problem(name, what=what)


def _account_problem(account: str) -> str | None:
    if len(account) > MAX_ACCOUNT:
        return f"The account name has at most {MAX_ACCOUNT} characters ({len(account)} given)."
    return hidden_character_problem(account, what="The account name")
