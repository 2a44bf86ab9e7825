"""A Details save over changes made meanwhile: only what the agent edited, and only if it has
not moved on since the form showed it."""

from __future__ import annotations

import pytest

from agent_workspace.domain.details import case_number_problem, conflict_message, edit_conflicts

SEEN = {"person": "consumer:1", "case_number": "", "short_description": "", "state": "new"}


@pytest.mark.parametrize(
    ("now", "edited", "conflicts"),
    [
        (SEEN, ["short_description"], ()),  # nothing moved on
        ({**SEEN, "state": "work_in_progress"}, ["short_description"], ()),  # picked up meanwhile
        ({**SEEN, "state": "work_in_progress"}, ["state"], ("state",)),
        ({**SEEN, "short_description": "Refund"}, ["short_description"], ("short_description",)),
        (
            {**SEEN, "person": "consumer:2", "state": "on_hold"},
            ["state", "person"],
            ("person", "state"),
        ),
        ({**SEEN, "case_number": "CS0001001"}, [], ()),
    ],
)
def test_only_edited_fields_that_moved_on_conflict(
    now: dict[str, str], edited: list[str], conflicts: tuple[str, ...]
) -> None:
    assert edit_conflicts(SEEN, now, edited) == conflicts


def test_the_refusal_says_what_each_field_is_now() -> None:
    now = {**SEEN, "state": "work_in_progress", "short_description": ""}
    assert conflict_message(("short_description", "state"), now) == (
        "Someone changed this interaction after you opened it: the short description is now "
        '"empty"; the state is now "work in progress". Nothing was saved: check your changes '
        "and save again."
    )


@pytest.mark.parametrize(
    ("case", "problem"),
    [
        ("CS0001001", ""),
        ("", ""),  # unlinks the case
        ("CS001001", "A case number looks like CS0001001."),
        ("CS00010011", "A case number looks like CS0001001."),
        ("IMS0001001", "A case number looks like CS0001001."),
        ("CS000100A", "A case number looks like CS0001001."),
    ],
)
def test_a_case_is_named_by_cs_and_seven_digits_or_by_nothing(case: str, problem: str) -> None:
    assert case_number_problem(case) == problem
