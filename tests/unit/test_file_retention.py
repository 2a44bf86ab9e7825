"""The collector deletes only our files that nothing refers to and nobody wrote lately."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from agent_workspace.domain.file_retention import StoredFile, content_key, deletable, is_ours

DIGEST = "ab" + "0123456789abcdef" * 3 + "0123456789abcd"
KEY = content_key(DIGEST)
CUTOFF = datetime(2026, 1, 1, tzinfo=UTC)
OLD, NEW = CUTOFF - timedelta(seconds=1), CUTOFF


def test_bytes_are_stored_under_their_digest_in_a_folder_named_by_its_first_two_digits() -> None:
    assert content_key(DIGEST) == f"ab/{DIGEST}"
    assert len(DIGEST) == 64


@pytest.mark.parametrize(
    ("key", "modified", "referenced", "deleted"),
    [
        (KEY, OLD, False, True),  # removed, or never sent: nothing refers to it
        (KEY, OLD, True, False),  # a staged, sent or received attachment refers to it
        (KEY, NEW, False, False),  # written since the cutoff
        ("ab/tmpk3j2h1.tmp", OLD, False, True),  # a writer that died before its rename
        ("ab/tmpk3j2h1.tmp", NEW, False, False),  # a writer at work
        ("README.txt", OLD, False, False),  # not ours
        ("ab/notes.txt", OLD, False, False),
        (f"cd/{DIGEST}", OLD, False, False),  # in a folder its digest does not name
        (f"AB/{DIGEST.upper()}", OLD, False, False),
        (f"ab/{DIGEST[:-1]}", OLD, False, False),
        (f"ab/x/{DIGEST}", OLD, False, False),
        ("ab/tmp/x.tmp", OLD, False, False),
    ],
)
def test_what_the_collector_may_delete(
    key: str, modified: datetime, referenced: bool, deleted: bool
) -> None:
    files = [StoredFile(key, modified)]
    assert deletable(files, {key} if referenced else set(), CUTOFF) == ([key] if deleted else [])


def test_only_stored_bytes_and_unfinished_copies_are_ours() -> None:
    assert is_ours(KEY) and is_ours("00/tmpabc.tmp")
    assert not is_ours("ab") and not is_ours("") and not is_ours("ab/")
