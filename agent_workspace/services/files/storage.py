"""Attachment bytes on disk, content-addressed so a retried write is harmless and identical
files are stored once (domain/file_retention.py says how they are laid out)."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlmodel import Session

from agent_workspace.config import get_settings
from agent_workspace.db.locks import lock_files
from agent_workspace.domain.file_retention import (
    PARTIAL_PREFIX,
    PARTIAL_SUFFIX,
    StoredFile,
    content_key,
)


def _root() -> Path:
    return Path(get_settings().storage_dir)


def store_files(session: Session, files: Sequence[bytes]) -> list[tuple[str, str]]:
    """Writes each of `files` once (atomically) and returns their (storage key, sha256).

    The caller is about to refer to the keys: they stay locked until its transaction ends, so
    the collector cannot delete bytes that already exist between this check and the commit.
    """
    digests = [hashlib.sha256(data).hexdigest() for data in files]
    lock_files(session, map(content_key, digests))
    for data, digest in zip(files, digests, strict=True):
        _write(content_key(digest), data)
    return [(content_key(digest), digest) for digest in digests]


def _write(key: str, data: bytes) -> None:
    path = _root() / key
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temp name per writer: racing writers of the same bytes all succeed.
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=PARTIAL_PREFIX, suffix=PARTIAL_SUFFIX, delete=False
    ) as tmp:
        tmp.write(data)
    os.replace(tmp.name, path)


def read_bytes(key: str) -> bytes:
    return _path(key).read_bytes()


def remove(key: str) -> int | None:
    """Deletes the file: its size, or None when it was gone already (another worker's pass)."""
    path = _path(key)
    try:
        size = path.stat().st_size
        path.unlink()
    except FileNotFoundError:
        return None
    return size


def listing() -> Iterator[StoredFile]:
    """Every file one folder down, as the collector judges them (it ignores what is not ours)."""
    root = _root()
    if not root.is_dir():
        return
    with os.scandir(root) as folders:
        for folder in folders:
            if not folder.is_dir(follow_symlinks=False):
                continue
            with os.scandir(folder.path) as entries:
                for entry in entries:
                    try:
                        info = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:  # deleted meanwhile
                        continue
                    if stat.S_ISREG(info.st_mode):
                        modified = datetime.fromtimestamp(info.st_mtime, UTC)
                        yield StoredFile(f"{folder.name}/{entry.name}", modified)


def _path(key: str) -> Path:
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("storage key escapes the storage folder")
    return path
