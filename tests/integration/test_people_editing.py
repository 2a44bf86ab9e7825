"""Agents and administrators create and edit consumers, accounts and contacts; a number that
is someone else's is offered, never silently stored twice (issue 24, item 2)."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from agent_workspace.domain.people import PersonFields
from agent_workspace.domain.routing import PersonKind, PersonRef
from agent_workspace.models import (
    Account,
    AuditEvent,
    ChannelUserProfile,
    Consumer,
    Interaction,
    PersonPhone,
    Role,
)
from agent_workspace.services.channels import setup
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput, NotFound
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.people import editing
from agent_workspace.services.people.directory import search_people
from tests.support.factories import make_channel, make_consumer, make_user

MARIA = "+14155550123"


def _count(engine: Engine, table: type[Consumer] | type[PersonPhone] | type[Account]) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def test_an_agent_creates_a_contact_at_a_new_account_and_finds_them(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    made = editing.create_person(
        actor=alice,
        fields=PersonFields(
            first_name="Ana",
            last_name="Souza",
            mobile="(415) 555-0177",
            email="ana@initech.example",
            account="Initech",
        ),
    )
    assert (made.name, made.account, made.phones) == ("Ana Souza", "Initech", ("+14155550177",))
    assert made.ref.kind is PersonKind.CONTACT
    # A second contact at "initech" joins the same account.
    editing.create_person(actor=alice, fields=PersonFields(first_name="Bo", account="initech"))
    assert _count(engine, Account) == 1
    assert [p.name for p in search_people(actor=alice, text="555-0177")] == ["Ana Souza"]
    with Session(engine) as session:
        actions = session.exec(select(AuditEvent.action).order_by(col(AuditEvent.id))).all()
    assert [a for a in actions if not a.startswith(("user.", "auth."))] == [
        "account.created",
        "person.created",
        "person.created",
    ]


def test_an_admin_may_create_people_and_nobody_else(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    assert editing.create_person(actor=ada, fields=PersonFields(first_name="Dana")).name == "Dana"
    with pytest.raises(AccessDenied):
        editing.create_person(actor=None, fields=PersonFields(first_name="Eve"))


def test_a_number_someone_has_is_offered_not_duplicated_unless_shared_on_purpose(
    engine: Engine,
) -> None:
    make_channel()
    alice = make_user("alice")
    maria = make_consumer("Maria", MARIA)
    with pytest.raises(editing.DuplicateNumbers) as offered:
        editing.create_person(
            actor=alice, fields=PersonFields(first_name="Carlos", mobile="415 555 0123")
        )
    assert [o.ref for o in offered.value.owners] == [maria]
    assert "+1 415-555-0123 is Maria Tester (consumer)'s" in offered.value.message
    assert _count(engine, Consumer) == 1
    carlos = editing.create_person(
        actor=alice,
        fields=PersonFields(first_name="Carlos", mobile="415 555 0123"),
        share_numbers=True,
    )
    assert carlos.phones == (MARIA,)
    # Editing Carlos keeps the number he shares without asking again.
    saved = editing.update_person(
        actor=alice,
        ref=carlos.ref,
        fields=PersonFields(first_name="Carlos", last_name="Garcia", mobile=MARIA),
    )
    assert saved.changed and saved.person.name == "Carlos Garcia"


def test_editing_refuses_bad_input_by_field_and_keeps_what_was_stored(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    dana = make_consumer("Dana", "+14155550140")
    with pytest.raises(FieldProblems) as refused:
        editing.update_person(
            actor=alice,
            ref=dana,
            fields=PersonFields(first_name="", mobile="020 7946 0958", email="nope"),
        )
    assert set(refused.value.problems) == {"first_name", "mobile", "email"}
    fields = editing.person_fields(actor=alice, ref=dana)
    assert (fields.first_name, fields.mobile) == ("Dana", "+14155550140")
    unchanged = editing.update_person(actor=alice, ref=dana, fields=fields)
    assert not unchanged.changed
    with pytest.raises(NotFound):
        editing.update_person(actor=alice, ref=PersonRef(PersonKind.CONSUMER, 2**40), fields=fields)


def test_a_consumer_given_an_account_becomes_a_contact_with_their_interactions(
    engine: Engine,
) -> None:
    make_channel()
    alice = make_user("alice")
    receive_sms(sms=InboundSms(sid="SM" + "a" * 32, from_=MARIA, to="+14155550100", body="Hi"))
    with Session(engine) as session:
        unknown = session.exec(select(Consumer)).one()
        assert (unknown.first_name, unknown.last_name) == ("Unknown", f"({MARIA})")
        assert unknown.id is not None
    ref = PersonRef(PersonKind.CONSUMER, unknown.id)
    form = editing.person_fields(actor=alice, ref=ref)
    assert (form.first_name, form.mobile) == ("", MARIA)  # a stand-in has no name yet
    saved = editing.update_person(
        actor=alice,
        ref=ref,
        fields=PersonFields(first_name="Maria", last_name="Garcia", mobile=MARIA, account="Acme"),
    )
    assert saved.person.ref.kind is PersonKind.CONTACT and saved.person.account == "Acme"
    with Session(engine) as session:
        interaction = session.exec(select(Interaction)).one()
        profile = session.exec(select(ChannelUserProfile).where(col(ChannelUserProfile.is_active)))
        assert interaction.contact_id == saved.person.ref.id
        assert profile.one().contact_id == saved.person.ref.id
    assert _count(engine, Consumer) == 0


def test_an_unknown_number_is_merged_into_the_person_it_belongs_to(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    receive_sms(
        sms=InboundSms(sid="SM" + "b" * 32, from_="+14155550155", to="+14155550100", body="x")
    )
    maria = make_consumer("Maria", MARIA)
    with Session(engine) as session:
        unknown = session.exec(select(Consumer).where(Consumer.first_name == "Unknown")).one()
        assert unknown.id is not None
    stand_in = PersonRef(PersonKind.CONSUMER, unknown.id)
    with pytest.raises(editing.DuplicateNumbers):
        editing.update_person(
            actor=alice,
            ref=stand_in,
            fields=PersonFields(first_name="Maria", mobile="+14155550155", other_numbers=MARIA),
        )
    merged = editing.merge_placeholder(actor=alice, placeholder=stand_in, into=maria)
    assert merged.phones == (MARIA, "+14155550155")
    with Session(engine) as session:
        assert session.exec(select(Interaction)).one().consumer_id == maria.id
    with pytest.raises(InvalidInput, match="only an unknown number's stand-in"):
        editing.merge_placeholder(actor=alice, placeholder=maria, into=maria)


def test_people_numbers_are_read_in_the_channels_region(engine: Engine) -> None:
    ada = make_user("ada", roles=(Role.ADMIN,))
    setup.create_sms_channel(actor=ada, name="SMS", region="GB", number="+447400000001")
    made = editing.create_person(
        actor=ada, fields=PersonFields(first_name="Olly", mobile="07400 123456")
    )
    assert made.phones == ("+447400123456",)
