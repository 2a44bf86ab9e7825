"""Search finds an interaction by any number of its person, whatever its type, also typed in
the national notation of the person's region, and by its short description (issue 23, item 8)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from agent_workspace.db.engine import transaction
from agent_workspace.domain.routing import PersonKind
from agent_workspace.models import InteractionType, Role
from agent_workspace.services.interactions.inbox import ListQuery, Scope, StateFilter, inbox
from agent_workspace.services.interactions.lifecycle import create_interaction
from agent_workspace.services.people.directory import add_person
from tests.support.factories import make_channel, make_consumer, make_contact, make_user

LIAM = "+61412345678"
CARLOS = "+14155550123"
OLIVER = "+447400123456"


def _found(search: str) -> list[str]:
    sam = make_user(f"sam{abs(hash(search)) % 10_000}", roles=(Role.AGENT, Role.SUPERVISOR))
    query = ListQuery(scope=Scope.ALL, state=StateFilter.ANY, search=search)
    return sorted(r.short_description for r in inbox(actor=sam, query=query).rows)


@pytest.fixture
def desk(engine: Engine) -> None:
    """A phone call with an Australian, a chat with a US contact, a call with a British
    consumer, and an email from someone whose country is not on file."""
    make_channel()
    alice = make_user("alice")
    liam = make_consumer("Liam", LIAM, country="AU")
    carlos = make_contact("Carlos", CARLOS, account="Initech")
    oliver = make_consumer("Oliver", OLIVER, country="GB")
    with transaction() as session:
        nobody = add_person(
            session=session,
            kind=PersonKind.CONSUMER,
            first_name="Nameless",
            last_name="Person",
            phones=("+61498765432",),
        )
    for person, kind, about in (
        (liam, InteractionType.PHONE, "Call back about warranty"),
        (carlos, InteractionType.CHAT, "Initech invoice"),
        (oliver, InteractionType.PHONE, "Parcel follow-up"),
        (nobody, InteractionType.EMAIL, "No country on file"),
    ):
        create_interaction(actor=alice, type=kind, person=person, short_description=about)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        # Any number of the person, whatever the interaction's type.
        ("+61 412 345 678", ["Call back about warranty"]),
        ("415-555-0123", ["Initech invoice"]),
        # As the number is written in its own country (the person's region).
        ("0412 345 678", ["Call back about warranty"]),
        ("07400 123456", ["Parcel follow-up"]),
        ("0498 765 432", ["No country on file"]),
        # A national notation of a number nobody has.
        ("0412 345 679", []),
        # The short description.
        ("INVOICE", ["Initech invoice"]),
        ("about warr", ["Call back about warranty"]),
    ],
)
def test_search_finds_by_any_number_of_the_person_and_the_short_description(
    desk: None, search: str, expected: list[str]
) -> None:
    assert _found(search) == expected
