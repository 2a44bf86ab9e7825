"""Stored files nothing refers to are deleted: a removed one at once, one attached and never
sent after the grace, bytes a crash left behind after the grace. A file a message refers to
is never deleted, even while its Send or its attach races a collection.

The race tests pause one side inside its transaction at a seam (the collector's `remove`, the
Send's phone lock), start the other, and let the first go on only once the other has finished
or is waiting for the first to commit (observed, not slept on).
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session, col, select

from agent_workspace import cli
from agent_workspace.config import get_settings
from agent_workspace.db.engine import get_engine, transaction
from agent_workspace.db.locks import lock_phone
from agent_workspace.domain.attachments import CandidateFile, describe_size
from agent_workspace.models import Attachment, utcnow
from agent_workspace.services.errors import NotFound
from agent_workspace.services.files import collection, inbound_media, staged, storage
from agent_workspace.services.inbound.receive import InboundSms, receive_sms
from agent_workspace.services.sending import send as sending
from agent_workspace.services.sending.send import SendRequest, SendResult, send_sms
from tests.integration.send.conftest import PNG
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.races import all_at_once
from tests.support.storage import stored_files

PHONE = "+14155550123"
GRACE = timedelta(hours=1)


def _picture() -> bytes:
    return PNG + os.urandom(2000)


def _stored() -> dict[str, int]:
    return stored_files(get_settings().storage_dir)


def _key_of(attachment_id: int) -> str:
    with Session(get_engine()) as session:
        row = session.get(Attachment, attachment_id)
        assert row is not None and row.storage_key is not None
        return row.storage_key


def _attached_long_ago(attachment_id: int, hours: float = 2) -> None:
    with transaction() as session:
        row = session.get(Attachment, attachment_id)
        assert row is not None
        row.created_at = utcnow() - timedelta(hours=hours)
        session.add(row)


class _Failed(Exception):
    """A transaction that fails after it has written bytes, naming their key."""


def _write_then_fail(data: bytes) -> None:
    with transaction() as session:
        [(key, _)] = storage.store_files(session, [data])
        raise _Failed(key)


def _left_behind(data: bytes) -> str:
    """Bytes written by a transaction that then rolled back (as a crash leaves them)."""
    with pytest.raises(_Failed) as failed:
        _write_then_fail(data)
    key = str(failed.value)
    assert key in _stored()
    return key


@pytest.fixture
def alice(engine: Engine) -> Any:
    make_channel()
    make_consumer("Dana", PHONE)
    return make_user("alice")


def test_removing_a_staged_file_deletes_its_bytes_at_once(alice: Any) -> None:
    before = _stored()
    [kept] = staged.stage(actor=alice, files=[CandidateFile("photo.png", _picture())])
    assert len(_stored()) == len(before) + 1

    staged.discard(actor=alice, attachment_id=kept.id)

    assert _stored() == before


def test_removing_one_of_two_files_with_the_same_bytes_keeps_them_for_the_other(
    alice: Any,
) -> None:
    bob = make_user("bob")
    data = _picture()
    [mine] = staged.stage(actor=alice, files=[CandidateFile("a.png", data)])
    [his] = staged.stage(actor=bob, files=[CandidateFile("b.png", data)])

    staged.discard(actor=alice, attachment_id=mine.id)

    assert _key_of(his.id) in _stored()
    sent = send_sms(actor=bob, request=SendRequest(SUPPORT_NUMBER, PHONE, "x", staged=(his.id,)))
    assert _message_files(sent) == [data]


def test_a_file_not_sent_within_the_grace_is_collected_and_a_newer_one_is_not(
    alice: Any,
) -> None:
    [old] = staged.stage(actor=alice, files=[CandidateFile("old.png", _picture())])
    [new] = staged.stage(actor=alice, files=[CandidateFile("new.png", _picture())])
    _attached_long_ago(old.id)
    old_key, new_key = _key_of(old.id), _key_of(new.id)

    collected = collection.collect_files(grace=GRACE)

    assert (collected.expired, collected.deleted) == (1, 1)
    assert collected.freed == old.size
    assert old_key not in _stored() and new_key in _stored()
    with pytest.raises(NotFound, match=r"kept unsent too long\); attach it again"):
        send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "x", staged=(old.id,)))
    send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "x", staged=(new.id,)))


def test_sent_and_received_files_are_never_collected(alice: Any) -> None:
    data, picture = _picture(), _picture()
    [kept] = staged.stage(actor=alice, files=[CandidateFile("sent.png", data)])
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "x", staged=(kept.id,)))
    receive_sms(
        sms=InboundSms(
            sid="SM" + "a" * 32,
            from_=PHONE,
            to=SUPPORT_NUMBER,
            body="photo",
            media=(("https://api.twilio.com/Media/ME1", "image/png"),),
        )
    )
    [job] = inbound_media.pending_media()
    inbound_media.store_media(attachment_id=job.attachment_id, data=picture, declared_type="")
    before = _stored()

    collected = collection.collect_files(grace=timedelta(0), now=utcnow() + timedelta(days=30))

    assert (collected.expired, collected.deleted, collected.freed) == (0, 0, 0)
    assert _stored() == before
    assert _message_files(sent) == [data]


def test_bytes_nothing_refers_to_are_collected_once_older_than_the_grace(alice: Any) -> None:
    orphan = _left_behind(_picture())
    root = get_settings().storage_dir
    partial = root / orphan[:2] / "tmpcrashed.tmp"  # a writer that died before its rename
    partial.write_bytes(b"half a picture")
    foreign = root / "README.txt"  # not ours: never touched
    foreign.write_text("kept by the operator")
    data = _picture()
    [kept] = staged.stage(actor=alice, files=[CandidateFile("kept.png", data)])
    key = _key_of(kept.id)
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "x", staged=(kept.id,)))

    assert collection.collect_files(grace=GRACE).deleted == 0
    assert orphan in _stored()

    collected = collection.collect_files(grace=GRACE, now=utcnow() + GRACE + timedelta(minutes=1))

    assert collected.deleted == 2
    assert set(_stored()) == {key, "README.txt"}
    assert _message_files(sent) == [data]


def test_operators_can_run_a_collection_from_the_command_line(
    alice: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AW_FILE_GRACE_SECONDS", "7200")
    get_settings.cache_clear()
    data = _picture()
    [old] = staged.stage(actor=alice, files=[CandidateFile("old.png", data)])
    [new] = staged.stage(actor=alice, files=[CandidateFile("new.png", _picture())])
    _attached_long_ago(old.id, hours=3)

    assert cli.main(["collect-files"]) == 0

    assert capsys.readouterr().out == (
        "Attached and never sent within 2 h: 1 removed. "
        f"Stored files nothing refers to: 1 deleted ({describe_size(len(data))}).\n"
    )
    assert set(_stored()) == {_key_of(new.id)}


def test_collections_running_at_once_in_several_workers_delete_each_file_once(
    alice: Any,
) -> None:
    orphans = {_left_behind(_picture()) for _ in range(6)}
    [old] = staged.stage(actor=alice, files=[CandidateFile("old.png", _picture())])
    _attached_long_ago(old.id)
    later = utcnow() + timedelta(seconds=1)
    results = all_at_once([lambda: collection.collect_files(grace=timedelta(0), now=later)] * 4)

    assert sum(r.expired for r in results) == 1
    assert sum(r.deleted for r in results) == len(orphans) + 1
    assert _stored() == {}


def test_attaching_the_bytes_a_collection_is_deleting_waits_and_keeps_them(
    alice: Any,
) -> None:
    data = _picture()
    key = _left_behind(data)  # e.g. a Remove whose delete a crash interrupted
    reached, go = threading.Event(), threading.Event()

    def pausing_remove(found: str) -> int | None:
        reached.set()  # the collector has seen that nothing refers to `found`
        assert go.wait(timeout=20)
        return storage.remove(found)

    collector = _Run(
        lambda: collection.collect_files(
            grace=timedelta(0), now=utcnow() + timedelta(seconds=1), remove=pausing_remove
        )
    )
    assert reached.wait(timeout=20), "the collector never reached its delete"
    with _watching_waits(get_engine()) as waiting:
        attach = _Run(lambda: staged.stage(actor=alice, files=[CandidateFile("p.png", data)]))
        waiting(attach)
    go.set()

    assert collector.result().deleted == 1
    [kept] = attach.result()
    assert _key_of(kept.id) == key
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, PHONE, "x", staged=(kept.id,)))
    assert _message_files(sent) == [data]


def test_a_send_in_flight_keeps_its_file_though_the_grace_has_passed(
    alice: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _picture()
    [kept] = staged.stage(actor=alice, files=[CandidateFile("late.png", data)])
    _attached_long_ago(kept.id)
    reached, go = threading.Event(), threading.Event()

    def pausing(session: Session, channel_id: int, phone: str) -> None:
        lock_phone(session, channel_id, phone)
        reached.set()  # Send has read the staged file and is deciding where it goes
        assert go.wait(timeout=20)

    monkeypatch.setattr(sending, "lock_phone", pausing)  # the seam phone-lock tests use
    request = SendRequest(SUPPORT_NUMBER, PHONE, "here it is", staged=(kept.id,))
    sender = _Run(lambda: send_sms(actor=alice, request=request))
    assert reached.wait(timeout=20), "Send never reached its pause"
    with _watching_waits(get_engine()) as waiting:
        collector = _Run(lambda: collection.collect_files(grace=GRACE))
        waiting(collector)
    go.set()

    sent = sender.result()
    assert collector.result().deleted == 0
    assert _message_files(sent) == [data]
    assert collection.collect_files(grace=GRACE).deleted == 0
    assert _message_files(sent) == [data]


class _Run:
    """An action on its own thread; `result()` waits for it and returns or raises what it did."""

    def __init__(self, action: Callable[[], Any]) -> None:
        self._outcome: list[Any] = []
        self._failure: list[BaseException] = []

        def run() -> None:
            try:
                self._outcome.append(action())
            except BaseException as problem:  # re-raised by result()
                self._failure.append(problem)

        self.thread = threading.Thread(target=run, daemon=True)
        self.thread.start()

    def result(self) -> Any:
        self.thread.join(timeout=30)
        assert not self.thread.is_alive(), "the action never finished"
        if self._failure:
            raise self._failure[0]
        return self._outcome[0]


@contextlib.contextmanager
def _watching_waits(engine: Engine) -> Iterator[Callable[[_Run], None]]:
    """Within it, `waiting(run)` returns once `run` has finished or is waiting for another
    transaction to end: on PostgreSQL its backend waits for a lock; on SQLite it has sent
    BEGIN IMMEDIATE (which gets past no other writer before that one commits)."""
    writers: set[int] = set()

    def on_execute(_conn: Connection, _cursor: Any, statement: str, *_: Any) -> None:
        if statement == "BEGIN IMMEDIATE":
            writers.add(threading.get_ident())

    def is_waiting(thread: threading.Thread) -> bool:
        if engine.dialect.name == "sqlite":
            return thread.ident in writers
        with engine.connect() as conn:
            query = (
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            return bool(conn.execute(text(query)).scalar_one())

    def waiting(run: _Run) -> None:
        deadline = time.monotonic() + 20
        while run.thread.is_alive() and not is_waiting(run.thread):
            assert time.monotonic() < deadline, "neither finished nor waiting"
            run.thread.join(timeout=0.01)

    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield waiting
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)


def _message_files(sent: SendResult) -> list[bytes]:
    """The bytes of the message's attachments, read from storage as the media route does."""
    with Session(get_engine()) as session:
        rows = session.exec(
            select(Attachment)
            .where(Attachment.message_id == sent.message_id)
            .order_by(col(Attachment.id))
        ).all()
    return [storage.read_bytes(a.storage_key or "") for a in rows]
