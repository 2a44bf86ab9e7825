"""Admins add, relabel and remove the SMS channel's From numbers; composers follow."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.models import AuditEvent, Role
from agent_workspace.services import events
from agent_workspace.services.channels import numbers
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput, NotFound
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import (
    BILLING_NUMBER,
    SUPPORT_NUMBER,
    make_channel,
    make_consumer,
    make_user,
)

NEW_NUMBER = "+14155550142"


def _audit(engine: Engine, action: str) -> list[AuditEvent]:
    with Session(engine) as session:
        return list(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    unsubscribe = events.subscribe(seen.append)
    yield seen
    unsubscribe()


def test_an_added_number_is_stored_in_e164_with_its_label_and_agents_send_from_it(
    engine: Engine, published: list[events.Event]
) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    ada = make_user("ada", roles=(Role.ADMIN,))
    alice = make_user("alice")
    added = numbers.add_number(actor=ada, number="(415) 555-0142", label="  Support   line ")
    assert (added.e164, added.label) == (NEW_NUMBER, "Support line")
    assert added.shown == "Support line (+1 415-555-0142)"
    assert events.ChannelChanged() in published
    assert [n.e164 for n in numbers.sending_numbers(actor=alice)][-1] == NEW_NUMBER
    send_sms(actor=alice, request=SendRequest(NEW_NUMBER, "+14155550123", "From the new line"))
    (event,) = _audit(engine, "channel.number_added")
    assert event.actor_user_id == ada.user_id
    assert event.detail == {"number": NEW_NUMBER, "label": "Support line"}


@pytest.mark.parametrize(
    ("number", "label", "field", "reason"),
    [
        ("12", "", "number", "too short"),
        ("+1 415 555 01", "", "number", "too short"),
        ("not a number", "", "number", "does not look like a phone number"),
        (SUPPORT_NUMBER, "", "number", "already a sending number of this channel"),
        (NEW_NUMBER, "x" * 81, "label", "at most 80"),
    ],
)
def test_invalid_or_taken_numbers_are_refused_by_field_and_nothing_is_written(
    engine: Engine, number: str, label: str, field: str, reason: str
) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    with pytest.raises(FieldProblems) as refused:
        numbers.add_number(actor=ada, number=number, label=label)
    assert reason in refused.value.problems[field]
    assert len(numbers.list_numbers(actor=ada)) == 2
    assert _audit(engine, "channel.number_added") == []


def test_the_last_number_cannot_be_removed_and_the_reason_is_given(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    support, billing = numbers.list_numbers(actor=ada)
    assert numbers.remove_number(actor=ada, number_id=billing.id) == BILLING_NUMBER
    with pytest.raises(InvalidInput, match="last sending number: add another one first"):
        numbers.remove_number(actor=ada, number_id=support.id)
    assert [n.e164 for n in numbers.list_numbers(actor=ada)] == [SUPPORT_NUMBER]
    assert len(_audit(engine, "channel.number_removed")) == 1


def test_removing_twice_tells_the_second_admin_it_is_gone_and_writes_nothing(
    engine: Engine,
) -> None:
    make_channel()
    ada, root = make_user("ada", roles=(Role.ADMIN,)), make_user("root", roles=(Role.ADMIN,))
    billing = numbers.list_numbers(actor=ada)[1]
    numbers.remove_number(actor=ada, number_id=billing.id)
    with pytest.raises(NotFound, match="someone removed it"):
        numbers.remove_number(actor=root, number_id=billing.id)
    assert len(_audit(engine, "channel.number_removed")) == 1


def test_two_admins_removing_the_last_two_numbers_at_once_leave_one(engine: Engine) -> None:
    make_channel()
    ada, root = make_user("ada", roles=(Role.ADMIN,)), make_user("root", roles=(Role.ADMIN,))
    support, billing = numbers.list_numbers(actor=ada)
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def remove(actor: object, number_id: int) -> None:
        start.wait()
        try:
            numbers.remove_number(actor=actor, number_id=number_id)  # type: ignore[arg-type]
            outcomes.append("removed")
        except InvalidInput as refused:
            outcomes.append(refused.message)

    threads = [
        threading.Thread(target=remove, args=(ada, support.id)),
        threading.Thread(target=remove, args=(root, billing.id)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(o == "removed" for o in outcomes) == [False, True]
    assert len(numbers.list_numbers(actor=ada)) == 1


def test_a_send_from_a_number_removed_meanwhile_is_refused_saying_so(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    ada, alice = make_user("ada", roles=(Role.ADMIN,)), make_user("alice")
    numbers.remove_number(actor=ada, number_id=numbers.list_numbers(actor=ada)[1].id)
    with pytest.raises(InvalidInput, match=r"\+1 415-555-0199 was removed from the SMS channel"):
        send_sms(actor=alice, request=SendRequest(BILLING_NUMBER, "+14155550123", "Hi"))


def test_a_removed_number_comes_back_when_added_again(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    billing = numbers.list_numbers(actor=ada)[1]
    numbers.remove_number(actor=ada, number_id=billing.id)
    again = numbers.add_number(actor=ada, number=BILLING_NUMBER, label="Billing")
    assert (again.id, again.label) == (billing.id, "Billing")


def test_relabelling_is_audited_and_the_same_label_writes_nothing(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    support = numbers.list_numbers(actor=ada)[0]
    assert numbers.relabel_number(actor=ada, number_id=support.id, label="Support").label == (
        "Support"
    )
    numbers.relabel_number(actor=ada, number_id=support.id, label="Support")
    (event,) = _audit(engine, "channel.number_relabelled")
    assert event.detail["after"] == "Support"


def test_only_administrators_change_numbers(engine: Engine) -> None:
    make_channel()
    alice = make_user("alice")
    with pytest.raises(AccessDenied, match="admin role"):
        numbers.add_number(actor=alice, number=NEW_NUMBER, label="")
    with pytest.raises(AccessDenied, match="admin role"):
        numbers.remove_number(actor=alice, number_id=1)
    with pytest.raises(AccessDenied, match="admin role"):
        numbers.relabel_number(actor=alice, number_id=1, label="x")
    with pytest.raises(AccessDenied, match="admin role"):
        numbers.list_numbers(actor=alice)
    with Session(engine) as session:
        changes = select(AuditEvent).where(col(AuditEvent.action).startswith("channel."))
        assert session.exec(changes).all() == []
