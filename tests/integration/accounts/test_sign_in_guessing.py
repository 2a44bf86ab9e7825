"""Sign-in under guessing: nothing tells known usernames from unknown ones, parallel guesses
cannot pass the lockout, and no database connection is held while bcrypt runs."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable

import bcrypt
import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from agent_workspace import config
from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.services.accounts import auth, users
from agent_workspace.services.errors import AccessDenied, InvalidInput
from tests.support.factories import make_user


def _refusal(username: str, password: str) -> str:
    with pytest.raises(AccessDenied) as refused:
        auth.sign_in(username=username, password=password)
    return refused.value.message


def test_unknown_usernames_cost_the_same_bcrypt_work_as_known_ones(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AW_BCRYPT_ROUNDS", "6")
    config.get_settings.cache_clear()
    make_user("alice")
    costs: list[str] = []
    real = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        costs.append(hashed.decode()[:7])  # "$2b$06$": the cost is in the hash
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    _refusal("alice", "wrong-password")
    _refusal("mallory", "wrong-password")
    assert costs == ["$2b$06$", "$2b$06$"]


def test_a_locked_account_answers_exactly_like_an_unknown_username(engine: Engine) -> None:
    make_user("alice")
    wrong = [_refusal("alice", "wrong-password") for _ in range(ACCOUNT_FROM_ADDRESS.failures)]
    locked_with_the_right_password = _refusal("alice", "alice-pass-phrase")
    unknown = _refusal("mallory", "alice-pass-phrase")
    assert set(wrong) == {unknown}
    assert locked_with_the_right_password == unknown


def test_parallel_guesses_cannot_pass_the_lockout(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("alice")
    checked: list[bool] = []
    stalled: list[bool] = []
    real_verify: Callable[[str, str], bool] = auth.verify_password
    guesses = 12
    lock, arrived, everyone = threading.Lock(), set[int](), threading.Event()

    def arrive() -> None:
        """This guess is checking its password, or has been refused."""
        with lock:
            arrived.add(threading.get_ident())
            if len(arrived) == guesses:
                everyone.set()

    def held_verify(password: str, password_hash: str) -> bool:
        # Every check waits for every other guess to be checking too, or refused: the guesses
        # overlap as much as they can, however the threads are scheduled.
        checked.append(True)
        arrive()
        if not everyone.wait(10):
            stalled.append(True)
        return real_verify(password, password_hash)

    monkeypatch.setattr(auth, "verify_password", held_verify)
    start = threading.Barrier(guesses)

    def guess(i: int) -> None:
        start.wait()
        with contextlib.suppress(AccessDenied):
            auth.sign_in(username="alice", password=f"guess-{i}")
        arrive()

    threads = [threading.Thread(target=guess, args=(i,)) for i in range(guesses)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not stalled, "a check waited for guesses that never came"
    assert len(checked) <= ACCOUNT_FROM_ADDRESS.failures
    with pytest.raises(AccessDenied):
        auth.sign_in(username="alice", password="alice-pass-phrase")


def test_no_database_connection_is_held_while_bcrypt_runs(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_user("alice")
    pool = engine.pool
    assert isinstance(pool, QueuePool)
    held: list[int] = []
    real = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        held.append(pool.checkedout())
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    auth.sign_in(username="alice", password="alice-pass-phrase")
    _refusal("alice", "wrong-password")
    _refusal("mallory", "wrong-password")
    assert held == [0, 0, 0]


def test_a_deactivated_account_answers_like_a_wrong_password_even_with_the_right_one(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only the right password could tell "deactivated" apart: it must not."""
    make_user("alice")
    make_user("bob")
    users.deactivate_user(username="alice", via="cli")
    costs: list[str] = []
    real = bcrypt.checkpw

    def spy(password: bytes, hashed: bytes) -> bool:
        costs.append(hashed.decode()[:7])
        return real(password, hashed)

    monkeypatch.setattr(bcrypt, "checkpw", spy)
    deactivated = _refusal("alice", "alice-pass-phrase")
    wrong = _refusal("bob", "wrong-password")
    unknown = _refusal("mallory", "alice-pass-phrase")
    assert deactivated == wrong == unknown == auth.SIGN_IN_REFUSED
    assert costs == ["$2b$04$"] * 3  # one bcrypt check of the same cost each


@pytest.mark.parametrize("username", ["alice", "mallory"])
def test_a_password_over_72_bytes_is_refused_in_words_and_counts_as_no_guess(
    engine: Engine, username: str
) -> None:
    """bcrypt refuses such input: the answer says what is wrong, the same for every username."""
    make_user("alice")
    for password in ("x" * 73, "é" * 37):
        for _ in range(ACCOUNT_FROM_ADDRESS.failures + 1):
            with pytest.raises(InvalidInput) as refused:
                auth.sign_in(username=username, password=password)
            assert refused.value.message == auth.TOO_LONG
    assert "72 bytes" in auth.TOO_LONG
    auth.sign_in(username="alice", password="alice-pass-phrase")
