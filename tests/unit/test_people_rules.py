"""The one check every way people come in goes through (domain/people.py)."""

from __future__ import annotations

import pytest

from agent_workspace.domain.people import (
    PersonDraft,
    PersonFields,
    check_person,
    is_placeholder,
    person_of_value,
    person_value,
)
from agent_workspace.domain.routing import PersonKind, PersonRef


def test_a_contact_is_a_person_with_an_account_and_numbers_read_as_compose_reads_them() -> None:
    draft = check_person(
        PersonFields(
            first_name="  Ana ",
            last_name="Souza",
            mobile="0412 345 678",
            other_numbers="+44 20 7946 0958; (415) 555-0100",
            email="ana@example.com",
            account=" Initech  Ltd ",
            country="au",
        ),
        default_region="US",
    )
    assert draft == PersonDraft(
        kind=PersonKind.CONTACT,
        first_name="Ana",
        last_name="Souza",
        numbers=(("+61412345678", "mobile"), ("+442079460958", "other"), ("+14155550100", "other")),
        email="ana@example.com",
        account="Initech Ltd",
        country="AU",
    )


def test_without_an_account_a_person_is_a_consumer_and_needs_only_a_first_name() -> None:
    draft = check_person(PersonFields(first_name="Dana"), default_region="US")
    assert isinstance(draft, PersonDraft) and draft.kind is PersonKind.CONSUMER
    assert draft.numbers == () and draft.email is None


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        (PersonFields(), "first_name", "The first name is required."),
        (PersonFields(first_name="A" * 81), "first_name", "at most 80 characters"),
        (PersonFields(first_name="Eve\u202e"), "first_name", "one line of visible text"),
        (PersonFields(first_name="Li", mobile="020 7946 0958", country="GB"), "mobile", "landline"),
        (PersonFields(first_name="Li", mobile="415 555 01"), "mobile", "too short"),
        (PersonFields(first_name="Li", other_numbers="x; y"), "other_numbers", "does not look"),
        (
            PersonFields(first_name="Li", mobile="+14155550123", other_numbers="(415) 555-0123"),
            "other_numbers",
            "+1 415-555-0123 is listed twice",
        ),
        (
            PersonFields(first_name="Li", other_numbers=";".join(["+1415555012"] * 11)),
            "other_numbers",
            "at most 10",
        ),
        (PersonFields(first_name="Li", email="li at example"), "email", "not an e-mail address"),
        (PersonFields(first_name="Li", country="XX"), "country", "not a country code"),
        (PersonFields(first_name="Li", account="A" * 161), "account", "at most 160"),
    ],
)
def test_each_rule_names_its_field(fields: PersonFields, field: str, reason: str) -> None:
    problems = check_person(fields, default_region="US")
    assert isinstance(problems, dict)
    assert reason in problems[field]


def test_the_stand_in_for_an_unknown_number_is_recognised() -> None:
    assert is_placeholder("Unknown", "(+14155550123)")
    assert not is_placeholder("Unknown", "Smith")
    assert not is_placeholder("Maria", "(+14155550123)")


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", None),
        ("  ", None),
        ("Asia/Tokyo", "Asia/Tokyo"),
        (" America/Chicago ", "America/Chicago"),
    ],
)
def test_a_persons_time_zone_is_an_iana_zone_or_none(typed: str, stored: str | None) -> None:
    draft = check_person(PersonFields(first_name="Li", time_zone=typed), default_region="US")
    assert isinstance(draft, PersonDraft) and draft.time_zone == stored


@pytest.mark.parametrize("typed", ["Mars/Olympus", "asia/tokyo", "Pacific Time", "PST", "X" * 70])
def test_a_time_zone_that_is_no_iana_zone_is_refused_by_name(typed: str) -> None:
    problems = check_person(PersonFields(first_name="Li", time_zone=typed), default_region="US")
    assert isinstance(problems, dict)
    assert typed[:40] in problems["time_zone"]
    assert "is not a time zone (e.g. America/Los_Angeles" in problems["time_zone"]


@pytest.mark.parametrize(
    ("value", "person"),
    [
        ("consumer:12", PersonRef(PersonKind.CONSUMER, 12)),
        ("contact:7", PersonRef(PersonKind.CONTACT, 7)),
        ("contact:9999999999", PersonRef(PersonKind.CONTACT, 9_999_999_999)),
        ("contact:12345678901", None),  # longer than any id
        ("account:3", None),
        ("consumer:", None),
        ("consumer:-1", None),
        ("consumer:1.5", None),
        ("consumer 12", None),
        ("", None),
    ],
)
def test_a_list_value_names_a_person_only_as_person_value_writes_one(
    value: str, person: PersonRef | None
) -> None:
    assert person_of_value(value) == person
    if person is not None:
        assert person_value(person) == value
