"""The demo data loads once, and loading it again changes nothing."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from agent_workspace.services.accounts import auth
from agent_workspace.services.demo_data import DEMO_USERS, load_demo_data
from agent_workspace.services.interactions.lists import list_my_interactions


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
            for t in SQLModel.metadata.sorted_tables
        }


def test_loading_twice_changes_nothing(engine: Engine) -> None:
    assert load_demo_data() is True
    before = _counts(engine)
    assert load_demo_data() is False
    assert _counts(engine) == before
    assert before["interaction"] >= 6


def test_every_demo_user_can_sign_in_and_agents_see_their_interactions(engine: Engine) -> None:
    load_demo_data()
    for user in DEMO_USERS:
        _, actor = auth.sign_in(username=user.username, password=user.password)
        assert set(actor.roles) == set(user.roles)
    _, alice = auth.sign_in(username="alice", password="alice-demo-pass")
    numbers = [row.number for row in list_my_interactions(actor=alice)]
    assert numbers
    assert all(n.startswith("IMS") and len(n) == 10 for n in numbers)


def test_demo_people_have_valid_mobile_numbers_in_several_countries_one_shared(
    engine: Engine,
) -> None:
    from sqlmodel import Session, select

    from agent_workspace.domain.phone import PhoneOk, parse_phone
    from agent_workspace.models import PersonPhone

    load_demo_data()
    with Session(engine) as session:
        numbers = [p.e164 for p in session.exec(select(PersonPhone)).all()]
    parsed = [parse_phone(n, default_region="US") for n in numbers]
    assert all(isinstance(p, PhoneOk) for p in parsed)
    assert len({p.region for p in parsed if isinstance(p, PhoneOk)}) >= 6
    assert len(numbers) - len(set(numbers)) == 1  # the phone Maria and Carlos share


def test_only_demo_sign_ins_that_still_work_are_offered(engine: Engine) -> None:
    from sqlmodel import select

    from agent_workspace.db.engine import transaction
    from agent_workspace.models import User
    from agent_workspace.services.demo_data import working_demo_sign_ins

    assert working_demo_sign_ins() == ()
    load_demo_data()
    assert working_demo_sign_ins() == DEMO_USERS
    with transaction() as session:
        alice = session.exec(select(User).where(User.username == "alice")).one()
        alice.password_hash = auth.hash_password("a-password-nobody-published")
        bob = session.exec(select(User).where(User.username == "bob")).one()
        bob.is_active = False
    assert [u.username for u in working_demo_sign_ins()] == ["sam", "ada"]


def test_the_demo_assigns_automatically_and_its_agents_start_offline(engine: Engine) -> None:
    load_demo_data()
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT auto_assign FROM channel")).scalar_one()
        presences = conn.execute(sa.text("SELECT DISTINCT presence FROM app_user")).scalars()
        assert set(presences) == {"offline"}  # so the queue's tests still see the queue
