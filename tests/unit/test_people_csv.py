"""Which column holds which field of an imported person."""

from __future__ import annotations

import pytest

from agent_workspace.domain.people_csv import (
    ConsentCell,
    guess_mapping,
    mapping_for,
    mapping_problem,
    read_consent,
)

HEADER = ("Vorname", "Surname", "Cell", "Company")
CHOSEN = {"first_name": "Vorname", "last_name": "Surname", "account": ""}


@pytest.mark.parametrize(
    ("header", "before", "first", "last", "account"),
    [
        # the first file: guessed by name (Surname is a last name; Vorname is not English)
        (HEADER, (), "", "Surname", "Company"),
        # the same columns again: the admin's choices stay, "not imported" included
        (HEADER, HEADER, "Vorname", "Surname", ""),
        # other columns: guessed afresh, nothing of the old choices
        (("First name", "Last name", "Mobile"), HEADER, "First name", "Last name", ""),
        # a column more: a new guess
        ((*HEADER, "Email"), HEADER, "", "Surname", "Company"),
    ],
)
def test_a_file_chosen_again_keeps_the_admins_columns_only_when_they_are_the_same(
    header: tuple[str, ...], before: tuple[str, ...], first: str, last: str, account: str
) -> None:
    found = mapping_for(header, before, CHOSEN)
    assert (found["first_name"], found["last_name"], found["account"]) == (first, last, account)


OUT, CONSENT = "Opted out", "SMS consent"


@pytest.mark.parametrize(
    ("cell", "yes_is_out", "opted_out"),
    [
        ("yes", True, True),
        (" Y ", True, True),
        ("TRUE", True, True),
        ("1", True, True),
        ("no", True, False),
        ("false", True, False),
        ("yes", False, False),  # an SMS consent column: yes, they may be texted
        ("0", False, True),
        ("Opted out", False, True),
        ("opted-in", True, False),
        ("OPTED OUT", True, True),
        ("", True, None),
        ("   ", False, None),
    ],
)
def test_a_consent_cell_reads_by_its_column(
    cell: str, yes_is_out: bool, opted_out: bool | None
) -> None:
    assert read_consent(cell, yes_is_out, OUT) == ConsentCell(opted_out)


@pytest.mark.parametrize(
    ("cell", "label", "problem"),
    [
        ("maybe", CONSENT, "SMS consent: 'maybe' is not one of"),
        ("stop please", OUT, "Opted out: 'stop please' is not one of"),
    ],
)
def test_a_consent_cell_that_says_neither_is_refused_naming_the_column(
    cell: str, label: str, problem: str
) -> None:
    read = read_consent(cell, True, label)
    assert read.opted_out is None
    assert read.problem.startswith(problem)
    assert read.problem.endswith("yes, no, true, false, 1, 0, opted in, opted out.")


def test_the_consent_columns_are_guessed_by_name_and_one_at_most_is_used() -> None:
    assert guess_mapping(("Name", "Phone", "opted_out"))["opted_out"] == "opted_out"
    assert guess_mapping(("Name", "Phone", "SMS consent"))["sms_consent"] == "SMS consent"
    both = {"first_name": "Name", "opted_out": "a", "sms_consent": "b"}
    assert mapping_problem(("Name", "a", "b"), both) == (
        "Choose one consent column: Opted out or SMS consent, not both."
    )
