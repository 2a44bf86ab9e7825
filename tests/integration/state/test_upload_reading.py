"""Attach File reads files only for a signed-in agent, and only up to the policy's limits."""

from __future__ import annotations

import io
import os
from pathlib import Path

import reflex as rx
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from agent_workspace.config import get_settings
from agent_workspace.domain.attachments import AttachmentPolicy
from agent_workspace.models import Message, Role
from agent_workspace.services.accounts import auth
from agent_workspace.state.compose import ComposeState
from tests.integration.state.test_access_checks import NO_AGENT_ROLE, run, state_for
from tests.support.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user
from tests.support.storage import folder_size

MB = 1024 * 1024
TO = "+14155550123"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class CountingFile(io.BytesIO):
    """A spooled upload that remembers how many bytes the handler read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def _upload(
    name: str, data: bytes, *, declare_size: bool = True
) -> tuple[rx.UploadFile, CountingFile]:
    spooled = CountingFile(data)
    size = len(data) if declare_size else None
    return rx.UploadFile(file=spooled, path=Path(name), size=size), spooled


def _compose(token: str) -> ComposeState:
    state = state_for(ComposeState, token)
    state.from_number, state.to_choice, state.body = SUPPORT_NUMBER, TO, "see attached"
    return state


def _agent_token(policy: AttachmentPolicy | None = None) -> str:
    make_channel(policy=policy)
    make_consumer("Dana", TO)
    make_user("alice")
    token, _ = auth.sign_in(username="alice", password="alice-pass-phrase")
    return token


def _messages(engine: Engine) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(Message)).one()


def test_a_signed_out_tab_is_refused_before_any_file_is_read(engine: Engine) -> None:
    make_channel()
    upload, spooled = _upload("photo.png", PNG + bytes(2 * MB))
    state = _compose("")

    run(ComposeState.attach.fn(state, [upload]))  # type: ignore[attr-defined]

    assert state.attach_error == "Please sign in first."
    assert spooled.bytes_read == 0
    assert state.files == []


def test_a_user_without_the_agent_role_is_refused_before_any_file_is_read(
    engine: Engine,
) -> None:
    make_channel()
    make_user("root", roles=(Role.ADMIN,))
    token, _ = auth.sign_in(username="root", password="root-pass-phrase")
    upload, spooled = _upload("photo.png", PNG)
    state = _compose(token)

    run(ComposeState.attach.fn(state, [upload]))  # type: ignore[attr-defined]

    assert NO_AGENT_ROLE in state.attach_error
    assert spooled.bytes_read == 0


def test_too_many_files_are_refused_before_any_is_read(engine: Engine) -> None:
    state = _compose(_agent_token(AttachmentPolicy(max_files=2)))
    uploads = [_upload(f"{i}.png", PNG) for i in range(3)]

    run(ComposeState.attach.fn(state, [u for u, _ in uploads]))  # type: ignore[attr-defined]

    assert state.attach_error == "3 files are attached; a message can carry at most 2."
    assert [spooled.bytes_read for _, spooled in uploads] == [0, 0, 0]


def test_a_file_over_the_limit_is_read_only_up_to_the_limit(engine: Engine) -> None:
    state = _compose(_agent_token(AttachmentPolicy(max_total_bytes=1 * MB)))
    upload, spooled = _upload("huge.png", PNG + bytes(20 * MB), declare_size=False)

    run(ComposeState.attach.fn(state, [upload]))  # type: ignore[attr-defined]

    assert (
        state.attach_error
        == "huge.png is larger than the 1 MB the attachments of a message may take."
    )
    assert spooled.bytes_read <= 1 * MB + 1
    assert state.files == []


def test_a_file_whose_declared_size_is_over_the_limit_is_not_read(engine: Engine) -> None:
    state = _compose(_agent_token(AttachmentPolicy(max_total_bytes=1 * MB)))
    upload, spooled = _upload("huge.png", PNG + bytes(2 * MB))

    run(ComposeState.attach.fn(state, [upload]))  # type: ignore[attr-defined]

    assert "huge.png is larger than the 1 MB" in state.attach_error
    assert spooled.bytes_read == 0


def test_reading_stops_where_the_files_together_pass_the_limit(engine: Engine) -> None:
    state = _compose(_agent_token(AttachmentPolicy(max_total_bytes=1 * MB)))
    first, first_read = _upload("a.png", PNG + bytes(MB // 2), declare_size=False)
    second, second_read = _upload("b.png", PNG + bytes(MB), declare_size=False)
    third, third_read = _upload("c.png", PNG, declare_size=False)

    run(ComposeState.attach.fn(state, [first, second, third]))  # type: ignore[attr-defined]

    assert (
        state.attach_error == "b.png is larger than the 1 MB the attachments of a message may take."
    )
    assert first_read.bytes_read == len(PNG) + MB // 2
    assert second_read.bytes_read <= MB - first_read.bytes_read + 1
    assert third_read.bytes_read == 0


def test_files_within_the_limits_are_sent(engine: Engine) -> None:
    state = _compose(_agent_token(AttachmentPolicy(max_total_bytes=1 * MB, max_files=2)))
    uploads = [_upload("a.png", PNG), _upload("b.png", PNG + bytes(MB - 2 * len(PNG)))]

    run(ComposeState.attach.fn(state, [u for u, _ in uploads]))  # type: ignore[attr-defined]
    assert state.attach_error == ""
    assert [f.name for f in state.files] == ["a.png", "b.png"]

    run(ComposeState.send.fn(state))  # type: ignore[attr-defined]

    assert state.error == ""
    assert _messages(engine) == 1
    assert state.files == []


def test_attaching_and_removing_leaves_the_storage_folder_as_it_was(engine: Engine) -> None:
    state = _compose(_agent_token())
    before = folder_size(get_settings().storage_dir)

    for i in range(10):
        upload, _ = _upload(f"{i}.png", PNG + os.urandom(4 * MB))
        run(ComposeState.attach.fn(state, [upload]))  # type: ignore[attr-defined]
        assert (state.attach_error, [f.name for f in state.files]) == ("", [f"{i}.png"])
        run(ComposeState.remove_file.fn(state, state.files[0].id))  # type: ignore[attr-defined]
        assert state.files == []

    assert folder_size(get_settings().storage_dir) == before


def test_a_file_left_attached_when_the_agent_opens_another_page_is_deleted(
    engine: Engine,
) -> None:
    """The composer starts afresh for the next interaction: what was attached and not sent
    goes then, not a day later with the collector."""
    state = _compose(_agent_token())
    before = folder_size(get_settings().storage_dir)
    upload, _ = _upload("left.png", PNG + os.urandom(MB))
    run(ComposeState.attach.fn(state, [upload]))  # type: ignore[attr-defined]
    assert folder_size(get_settings().storage_dir) > before

    run(ComposeState.prepare.fn(state))  # type: ignore[attr-defined]  # the list page: no URL id

    assert state.files == []
    assert folder_size(get_settings().storage_dir) == before
