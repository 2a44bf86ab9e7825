"""Which column holds which field of an imported person."""

from __future__ import annotations

import pytest

from agent_workspace.domain.people_csv import mapping_for

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
