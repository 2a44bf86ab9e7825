"""Labels (issue 27 item 5): administrators keep them, agents who work on an interaction add
and remove them, the list filters by them; on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from agent_workspace.models import AuditEvent, Role
from agent_workspace.services import events
from agent_workspace.services.access import Actor
from agent_workspace.services.channels import sla_policies as policies
from agent_workspace.services.errors import AccessDenied, FieldProblems, InvalidInput, NotFound
from agent_workspace.services.interactions.inbox import ListQuery, Scope, StateFilter, inbox
from agent_workspace.services.interactions.labels import add_label, interaction_labels, remove_label
from agent_workspace.services.labels import (
    create_label,
    delete_label,
    list_labels,
    update_label,
)
from agent_workspace.services.sending.send import SendRequest, send_sms
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user

DANA = "+14155550123"
EVE = "+14155550166"


@pytest.fixture
def published() -> Iterator[list[events.Event]]:
    seen: list[events.Event] = []
    stop = events.subscribe(seen.append)
    yield seen
    stop()


def _audit(engine: Engine, prefix: str) -> list[AuditEvent]:
    with Session(engine) as session:
        found = select(AuditEvent).where(sa.column("action").like(f"{prefix}%"))
        return list(session.exec(found.order_by(col(AuditEvent.id))).all())


def _everything(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    with engine.connect() as connection:
        return {
            t.name: sorted((tuple(r) for r in connection.execute(sa.select(t))), key=repr)
            for t in SQLModel.metadata.sorted_tables
        }


def _team() -> tuple[Actor, Actor, Actor]:
    ada = make_user("ada", roles=(Role.ADMIN,))
    return ada, make_user("alice"), make_user("bob")


def _conversations(alice: Actor) -> tuple[int, int]:
    make_channel()
    make_consumer("Dana", DANA)
    make_consumer("Eve", EVE)
    dana = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, DANA, "Hello")).interaction_id
    eve = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, EVE, "Hi")).interaction_id
    return dana, eve


def test_an_administrator_creates_renames_and_deletes_labels(engine: Engine) -> None:
    ada, alice, _ = _team()
    vip = create_label(actor=ada, name="  VIP ", colour="red")
    billing = create_label(actor=ada, name="billing", colour="blue")
    assert vip.name == "VIP"
    assert [(x.name, x.colour) for x in list_labels(actor=alice)] == [
        ("billing", "blue"),
        ("VIP", "red"),
    ]
    renamed = update_label(actor=ada, label_id=billing.id, name="Billing", colour="amber")
    assert (renamed.name, renamed.colour) == ("Billing", "amber")
    assert delete_label(actor=ada, label_id=vip.id) == "VIP"
    assert [x.name for x in list_labels(actor=ada)] == ["Billing"]
    actions = [e.action for e in _audit(engine, "label.")]
    assert actions == ["label.created", "label.created", "label.updated", "label.deleted"]
    before = _audit(engine, "label.updated")[0].detail["from"]
    assert before == {"name": "billing", "colour": "blue"}


@pytest.mark.parametrize(
    ("name", "colour", "field", "message"),
    [
        ("", "red", "name", "Give the label a name."),
        ("x" * 41, "red", "name", "at most 40 characters"),
        ("a\tb", "red", "name", "control characters"),
        ("Urgent", "#f00", "colour", "Choose one of the colours offered"),
        ("vip", "red", "name", "A label named 'VIP' exists already"),
    ],
)
def test_a_bad_name_or_colour_is_refused_by_field(
    engine: Engine, name: str, colour: str, field: str, message: str
) -> None:
    ada, _, _ = _team()
    create_label(actor=ada, name="VIP", colour="red")
    before = _everything(engine)
    with pytest.raises(FieldProblems) as refused:
        create_label(actor=ada, name=name, colour=colour)
    assert message in refused.value.problems[field]
    assert _everything(engine) == before


def test_a_rename_onto_another_label_in_any_case_is_refused(engine: Engine) -> None:
    ada, _, _ = _team()
    create_label(actor=ada, name="VIP", colour="red")
    other = create_label(actor=ada, name="Billing", colour="blue")
    with pytest.raises(FieldProblems, match="exists already"):
        update_label(actor=ada, label_id=other.id, name="vIp", colour="blue")
    # Its own name in another case is a rename, not a clash.
    assert update_label(actor=ada, label_id=other.id, name="BILLING", colour="blue").name == (
        "BILLING"
    )


def test_only_administrators_keep_labels(engine: Engine) -> None:
    ada, alice, _ = _team()
    vip = create_label(actor=ada, name="VIP", colour="red")
    before = _everything(engine)
    for who in (None, alice):
        with pytest.raises(AccessDenied):
            create_label(actor=who, name="Other", colour="red")
        with pytest.raises(AccessDenied):
            update_label(actor=who, label_id=vip.id, name="Other", colour="red")
        with pytest.raises(AccessDenied):
            delete_label(actor=who, label_id=vip.id)
    with pytest.raises(AccessDenied):
        list_labels(actor=None)
    assert _everything(engine) == before
    with pytest.raises(NotFound):
        delete_label(actor=ada, label_id=10**9)
    with pytest.raises(NotFound):
        update_label(actor=ada, label_id=-1, name="X", colour="red")


def test_an_agent_adds_and_removes_a_label_audited_and_pushed(
    engine: Engine, published: list[events.Event]
) -> None:
    ada, alice, bob = _team()
    dana, _ = _conversations(alice)
    vip = create_label(actor=ada, name="VIP", colour="red")
    published.clear()

    assert add_label(actor=alice, interaction_id=dana, label_id=vip.id) is True
    assert add_label(actor=alice, interaction_id=dana, label_id=vip.id) is False  # already on
    shown = interaction_labels(actor=alice, interaction_id=dana)
    assert [(x.name, x.colour) for x in shown.on] == [("VIP", "red")]
    assert shown.others == ()
    assert [x.name for x in interaction_labels(actor=bob, interaction_id=dana).on] == ["VIP"]
    assert [x.name for x in inbox(actor=alice, query=ListQuery()).rows[-1].labels] == ["VIP"]
    changed = [e for e in published if isinstance(e, events.InteractionChanged)]
    assert [(e.interaction_id, e.agent_ids) for e in changed] == [
        (dana, frozenset({alice.user_id}))
    ]

    assert remove_label(actor=alice, interaction_id=dana, label_id=vip.id) is True
    assert remove_label(actor=alice, interaction_id=dana, label_id=vip.id) is False
    assert interaction_labels(actor=alice, interaction_id=dana).on == ()
    audited = _audit(engine, "interaction.label_")
    assert [(e.action, e.interaction_id, e.actor_user_id) for e in audited] == [
        ("interaction.label_added", dana, alice.user_id),
        ("interaction.label_removed", dana, alice.user_id),
    ]
    assert audited[0].detail["label"] == "VIP"


def test_only_who_works_on_it_labels_it(engine: Engine) -> None:
    ada, alice, bob = _team()
    dana, _ = _conversations(alice)
    vip = create_label(actor=ada, name="VIP", colour="red")
    before = _everything(engine)
    for who in (None, bob, ada):
        with pytest.raises(AccessDenied):
            add_label(actor=who, interaction_id=dana, label_id=vip.id)
    with pytest.raises(NotFound, match="label does not exist"):
        add_label(actor=alice, interaction_id=dana, label_id=10**9)
    with pytest.raises(NotFound):
        add_label(actor=alice, interaction_id=10**9, label_id=vip.id)
    assert _everything(engine) == before


def test_the_list_filters_by_label(engine: Engine) -> None:
    ada, alice, _ = _team()
    dana, eve = _conversations(alice)
    vip = create_label(actor=ada, name="VIP", colour="red")
    billing = create_label(actor=ada, name="Billing", colour="blue")
    add_label(actor=alice, interaction_id=dana, label_id=vip.id)
    add_label(actor=alice, interaction_id=eve, label_id=billing.id)
    add_label(actor=alice, interaction_id=eve, label_id=vip.id)

    def listed(label_id: int | None, scope: Scope = Scope.MINE) -> set[int]:
        query = ListQuery(scope=scope, state=StateFilter.ANY, label_id=label_id)
        return {r.id for r in inbox(actor=alice, query=query).rows}

    assert listed(None) == {dana, eve}
    assert listed(vip.id) == {dana, eve}
    assert listed(billing.id) == {eve}
    remove_label(actor=alice, interaction_id=eve, label_id=vip.id)
    assert listed(vip.id) == {dana}
    with pytest.raises(InvalidInput, match="labels offered"):
        listed(0)


def test_deleting_a_label_takes_it_off_every_interaction(
    engine: Engine, published: list[events.Event]
) -> None:
    ada, alice, _ = _team()
    dana, eve = _conversations(alice)
    vip = create_label(actor=ada, name="VIP", colour="red")
    add_label(actor=alice, interaction_id=dana, label_id=vip.id)
    add_label(actor=alice, interaction_id=eve, label_id=vip.id)
    published.clear()
    delete_label(actor=ada, label_id=vip.id)
    assert interaction_labels(actor=alice, interaction_id=dana).on == ()
    assert interaction_labels(actor=alice, interaction_id=eve).on == ()
    pushed = {e.interaction_id for e in published if isinstance(e, events.InteractionChanged)}
    assert pushed == {dana, eve}
    assert _audit(engine, "label.deleted")[0].detail["interactions"] == 2
    # The name is free again.
    assert create_label(actor=ada, name="vip", colour="green").name == "vip"


def test_the_list_search_finds_a_label_by_name_in_any_case(engine: Engine) -> None:
    ada, alice, _ = _team()
    dana, eve = _conversations(alice)
    vip = create_label(actor=ada, name="VIP", colour="red")
    billing = create_label(actor=ada, name="Billing", colour="blue")
    add_label(actor=alice, interaction_id=dana, label_id=vip.id)
    add_label(actor=alice, interaction_id=eve, label_id=billing.id)

    def found(search: str) -> set[int]:
        query = ListQuery(scope=Scope.MINE, state=StateFilter.ANY, search=search)
        return {r.id for r in inbox(actor=alice, query=query).rows}

    assert found("vip") == {dana}
    assert found("BILL") == {eve}
    assert found("illin") == {eve}
    assert found("gold") == set()
    remove_label(actor=alice, interaction_id=dana, label_id=vip.id)
    assert found("vip") == set()


def test_a_label_a_service_level_uses_is_kept_until_that_level_goes(engine: Engine) -> None:
    """Deleting it raised the database's foreign-key error; now the admin is told why."""
    ada, _, _ = _team()
    make_channel()
    vip = create_label(actor=ada, name="VIP", colour="red")
    level = policies.save_policy(
        actor=ada,
        policy_id=None,
        label_id=vip.id,
        first_response="15m",
        next_response="",
        resolution="",
    )
    with pytest.raises(InvalidInput, match="The service level for VIP uses the label 'VIP'"):
        delete_label(actor=ada, label_id=vip.id)
    assert [x.name for x in list_labels(actor=ada)] == ["VIP"]
    policies.delete_policy(actor=ada, policy_id=level.id)
    assert delete_label(actor=ada, label_id=vip.id) == "VIP"
