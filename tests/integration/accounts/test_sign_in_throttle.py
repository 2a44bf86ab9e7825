"""Sign-in throttling per client address as well as per account (issue 22 item 9): a guesser
pauses their own address, not the owner; pauses end, and an administrator can lift them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from agent_workspace.db.engine import make_engine, reading
from agent_workspace.domain.throttle import ACCOUNT, ACCOUNT_FROM_ADDRESS, ADDRESS
from agent_workspace.models import AuditEvent, Role, SignInThrottle, User, utcnow
from agent_workspace.services.accounts import auth, roles, users
from agent_workspace.services.errors import AccessDenied
from tests.support.factories import make_user

GUESSER = "203.0.113.9"
OWNER = "198.51.100.7"
RIGHT = "alice-pass-phrase"


def _refused(username: str, password: str, client: str, engine: Engine | None = None) -> None:
    with pytest.raises(AccessDenied, match="Unknown username or wrong password"):
        auth.sign_in(username=username, password=password, client_address=client, engine=engine)


def _guess(times: int, client: str = GUESSER, username: str = "alice") -> None:
    for i in range(times):
        _refused(username, f"wrong-guess-{i}", client)


def test_guesses_from_one_address_do_not_lock_the_owner_out_from_another(engine: Engine) -> None:
    make_user("alice")
    _guess(ACCOUNT_FROM_ADDRESS.failures)
    _refused("alice", RIGHT, GUESSER)  # the guesser's address is paused for this account
    auth.sign_in(username="alice", password=RIGHT, client_address=OWNER)
    _refused("alice", RIGHT, GUESSER)  # the owner's sign-in does not lift the guesser's pause


def test_an_administrator_is_no_easier_to_lock_out(engine: Engine) -> None:
    make_user("ada", roles=(Role.ADMIN,))
    _guess(ACCOUNT_FROM_ADDRESS.failures * 3, username="ada")
    auth.sign_in(username="ada", password="ada-pass-phrase", client_address=OWNER)


def test_one_address_guessing_across_accounts_is_paused_for_every_account(
    engine: Engine,
) -> None:
    make_user("alice")
    for n in range(ADDRESS.failures):
        _refused(f"nobody{n}", "password-spray-1", GUESSER)  # unknown usernames count too
    _refused("alice", RIGHT, GUESSER)
    auth.sign_in(username="alice", password=RIGHT, client_address=OWNER)


def test_an_ipv6_client_is_one_client_across_its_64(engine: Engine) -> None:
    make_user("alice")
    for n in range(ACCOUNT_FROM_ADDRESS.failures):
        _refused("alice", "wrong-guess", f"2001:db8:0:7::{n + 1:x}")
    _refused("alice", RIGHT, "2001:db8:0:7:ffff::1")
    auth.sign_in(username="alice", password=RIGHT, client_address="2001:db8:0:8::1")


def test_many_addresses_together_pause_the_account_until_an_admin_unlocks_it(
    engine: Engine,
) -> None:
    make_user("alice")
    ada = make_user("ada", roles=(Role.ADMIN,))
    per_address = ACCOUNT_FROM_ADDRESS.failures - 1  # none of them pauses its own address
    addresses = [f"192.0.2.{n}" for n in range(1, ACCOUNT.failures // per_address + 2)]
    for address in addresses:
        _guess(per_address, client=address)
    _refused("alice", RIGHT, OWNER)
    assert [u.paused for u in roles.list_users(actor=ada) if u.username == "alice"] == [True]

    assert users.unlock_user(username="alice", actor=ada, via="admin page") is True
    assert users.unlock_user(username="alice", actor=ada, via="admin page") is False
    auth.sign_in(username="alice", password=RIGHT, client_address=OWNER)
    with Session(engine) as session:
        (event,) = session.exec(
            select(AuditEvent).where(AuditEvent.action == "user.sign_in_unlocked")
        ).all()
    assert (event.actor_user_id, event.detail["via"]) == (ada.user_id, "admin page")


def test_an_unlock_lifts_the_accounts_pause_from_the_guessing_address_too(engine: Engine) -> None:
    make_user("alice")
    _guess(ACCOUNT_FROM_ADDRESS.failures)
    users.unlock_user(username="alice", via="cli")
    auth.sign_in(username="alice", password=RIGHT, client_address=GUESSER)


def test_only_an_administrator_unlocks(engine: Engine) -> None:
    make_user("alice")
    bob = make_user("bob")
    _guess(ACCOUNT_FROM_ADDRESS.failures)
    with pytest.raises(AccessDenied, match="admin"):
        users.unlock_user(username="alice", actor=bob, via="admin page")
    _refused("alice", RIGHT, GUESSER)


def test_pauses_end_when_their_window_has_passed(engine: Engine) -> None:
    make_user("alice")
    _guess(ACCOUNT_FROM_ADDRESS.failures)
    later = ACCOUNT_FROM_ADDRESS.window + timedelta(seconds=1)
    with Session(engine) as session:  # move every tally back in time instead of waiting
        for row in session.exec(select(SignInThrottle)).all():
            row.window_started_at -= later
            row.paused_until = row.paused_until and row.paused_until - later
            row.expires_at -= later
            session.add(row)
        session.commit()
    auth.sign_in(username="alice", password=RIGHT, client_address=GUESSER)


def test_a_right_password_elsewhere_does_not_reset_the_address_count(engine: Engine) -> None:
    """A guesser with an account of their own cannot sign in to wipe their address's count."""
    make_user("alice")
    make_user("mallory")
    for n in range(ADDRESS.failures - 1):
        _refused(f"nobody{n}", "password-spray-1", GUESSER)
    auth.sign_in(username="mallory", password="mallory-pass-phrase", client_address=GUESSER)
    _refused("nobody", "password-spray-1", GUESSER)
    _refused("alice", RIGHT, GUESSER)


def test_counts_are_shared_by_every_process_on_the_database(
    engine: Engine, database_url: str
) -> None:
    """Each worker process has its own engine: the tallies live in the database."""
    make_user("alice")
    other = make_engine(database_url)
    try:
        for i in range(ACCOUNT_FROM_ADDRESS.failures):
            _refused("alice", f"wrong-{i}", GUESSER, engine=other if i % 2 else None)
        _refused("alice", RIGHT, GUESSER, engine=other)
        _refused("alice", RIGHT, GUESSER)
    finally:
        other.dispose()


def test_old_tallies_are_deleted_as_new_tries_come(engine: Engine) -> None:
    make_user("alice")
    _guess(1, client="192.0.2.1")
    with Session(engine) as session:
        session.execute(update(SignInThrottle).values(expires_at=utcnow() - timedelta(seconds=1)))
        session.commit()
    _guess(1, client="192.0.2.2")
    with Session(engine) as session:
        keys = session.exec(select(col(SignInThrottle.key))).all()
    assert sorted(keys) == sorted(
        ["address:192.0.2.2", f"account:{_id('alice')}", f"account:{_id('alice')}@192.0.2.2"]
    )


def _id(username: str) -> int:
    with reading() as session:
        found = session.exec(select(col(User.id)).where(User.username == username)).one()
    assert found is not None
    return found
