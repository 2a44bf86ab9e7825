"""Reading a CSV file of people: its columns, which column feeds which field, each row as the
fields the person form has (domain/people.py checks them).

Spreadsheets export with commas, semicolons (where the comma is the decimal mark) or tabs,
sometimes with a byte-order mark: all are read. Row numbers are the file's line numbers as a
spreadsheet shows them (the header is row 1), so a report points at the row to fix.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from agent_workspace.domain.people import PersonFields

TARGETS: tuple[tuple[str, str], ...] = (
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("mobile", "Mobile"),
    ("other_numbers", "Other numbers"),
    ("email", "E-mail"),
    ("account", "Account"),
    ("country", "Country"),
    ("opted_out", "Opted out (yes: no texts)"),
    ("sms_consent", "SMS consent (yes: may be texted)"),
)
# Consent columns, one at most: what "yes" in each means (True: opted out).
CONSENT_TARGETS = {"opted_out": True, "sms_consent": False}
TARGET_NAMES = tuple(name for name, _ in TARGETS)
MAX_COLUMNS = 100
MAX_CELL = 1_000  # characters; every field's own limit is far below
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "givenname", "first", "forename"),
    "last_name": ("lastname", "surname", "familyname", "last"),
    "mobile": ("mobile", "mobilephone", "mobilenumber", "cell", "cellphone", "phone", "sms"),
    "other_numbers": ("othernumbers", "otherphone", "phone2", "landline", "workphone", "home"),
    "email": ("email", "emailaddress", "mail"),
    "account": ("account", "company", "organisation", "organization", "customer"),
    "country": ("country", "countrycode", "region"),
    "opted_out": ("optedout", "optout", "smsoptout", "stop", "donottext", "unsubscribed"),
    "sms_consent": ("smsconsent", "consent", "optedin", "optin", "smsoptin", "textconsent"),
}
_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")
_WORDS = {"opted out": True, "optedout": True, "opted in": False, "optedin": False}
CONSENT_VALUES = "yes, no, true, false, 1, 0, opted in, opted out"


class CsvProblem(ValueError):
    """The file cannot be read as a CSV of people; the message says why."""


@dataclass(frozen=True)
class CsvRow:
    number: int  # the row as a spreadsheet numbers it (the header is 1)
    cells: tuple[str, ...]


def read_csv(text: str) -> tuple[tuple[str, ...], Iterator[CsvRow]]:
    """The header and the data rows (blank lines skipped) of a CSV text."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        raise CsvProblem("The file holds NUL characters: it is not a CSV text file.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = tuple(cell.strip() for cell in next(reader))
    except StopIteration:
        raise CsvProblem("The file is empty: the first row must name the columns.") from None
    except csv.Error as error:
        raise CsvProblem(f"Row 1 cannot be read as CSV ({error}).") from None
    if not any(header):
        raise CsvProblem("The first row must name the columns (it is blank).")
    if len(header) > MAX_COLUMNS:
        raise CsvProblem(f"The file has {len(header)} columns; at most {MAX_COLUMNS} are read.")
    return header, _rows(reader)


def _rows(reader: Iterator[list[str]]) -> Iterator[CsvRow]:
    number = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise CsvProblem(f"Row {number + 1} cannot be read as CSV ({error}).") from None
        number += 1
        if any(cell.strip() for cell in cells):
            yield CsvRow(number, tuple(cells))


def guess_mapping(header: tuple[str, ...]) -> dict[str, str]:
    """Each field → the column that seems to hold it ("" when none does), by its name."""
    keys = {_key(name): name for name in reversed(header) if name}
    found: dict[str, str] = {}
    for target in TARGET_NAMES:
        names = (_key(target), *_SYNONYMS[target])
        found[target] = next((keys[n] for n in names if n in keys), "")
    return found


def mapping_for(
    header: tuple[str, ...], before: tuple[str, ...], chosen: Mapping[str, str]
) -> dict[str, str]:
    """The fields' columns for a file just chosen: the admin's own choices when it has the same
    columns as the file before (the fixed file, chosen again), else guessed by name."""
    if before and [h for h in header if h] == [h for h in before if h]:
        return {target: chosen.get(target, "") for target in TARGET_NAMES}
    return guess_mapping(header)


def mapping_problem(header: tuple[str, ...], mapping: Mapping[str, str]) -> str | None:
    """Why the mapping cannot be used with this header, or None."""
    unknown = [t for t in mapping if t not in TARGET_NAMES]
    if unknown:
        return f"Unknown fields: {', '.join(unknown)}."
    missing = [c for c in mapping.values() if c and c not in header]
    if missing:
        return f"The file has no column named {missing[0]!r}."
    if not mapping.get("first_name"):
        return "Choose the column that holds the first name."
    if all(mapping.get(t) for t in CONSENT_TARGETS):
        return "Choose one consent column: Opted out or SMS consent, not both."
    return None


def row_fields(row: CsvRow, header: tuple[str, ...], mapping: Mapping[str, str]) -> PersonFields:
    """The row's cells for each mapped field (a missing or over-long cell reads as given:
    too long is refused by the field's own check, never cut)."""
    index = {name: i for i, name in enumerate(header) if name}
    values = {
        target: _cell(row, index[column])
        for target, column in mapping.items()
        if column and target not in CONSENT_TARGETS
    }
    return PersonFields(**values)


@dataclass(frozen=True)
class ConsentCell:
    """What a row's consent column says: opted out (True), opted in (False), nothing (None),
    or why its value cannot be read."""

    opted_out: bool | None = None
    problem: str = ""


def row_consent(row: CsvRow, header: tuple[str, ...], mapping: Mapping[str, str]) -> ConsentCell:
    """The row's consent, from the one consent column mapped (none: nothing said)."""
    index = {name: i for i, name in enumerate(header) if name}
    for target, yes_is_out in CONSENT_TARGETS.items():
        if column := mapping.get(target):
            return read_consent(_cell(row, index[column]), yes_is_out, dict(TARGETS)[target])
    return ConsentCell()


def read_consent(cell: str, yes_is_out: bool, label: str) -> ConsentCell:
    """A consent cell read: "yes" means opted out in an "Opted out" column and opted in in an
    "SMS consent" column; "opted out" and "opted in" mean what they say in either."""
    word = " ".join(cell.lower().replace("-", " ").split())
    if not word:
        return ConsentCell()
    if word in _WORDS:
        return ConsentCell(_WORDS[word])
    if word in _YES or word in _NO:
        return ConsentCell((word in _YES) == yes_is_out)
    column = label.split(" (", 1)[0]
    return ConsentCell(problem=f"{column}: {cell.strip()[:40]!r} is not one of {CONSENT_VALUES}.")


def _cell(row: CsvRow, at: int) -> str:
    return (row.cells[at] if at < len(row.cells) else "")[: MAX_CELL + 1]


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
