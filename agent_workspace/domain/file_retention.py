"""Which files of the storage folder the collector may delete (pure: no disk, no database).

Attachment bytes are stored under their sha256, `ab/ab12…` (64 hex digits in a folder named by
the first two), and shared by every attachment with those bytes; a writer's copy is
`ab/tmp….tmp` until it is renamed into place. Anything else in the folder was put there by
someone else and is never ours to delete.
"""

from __future__ import annotations

import string
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

PARTIAL_PREFIX, PARTIAL_SUFFIX = "tmp", ".tmp"
_HEX = frozenset(string.hexdigits.lower())


@dataclass(frozen=True)
class StoredFile:
    key: str  # its path below the storage folder, "/"-separated
    modified: datetime


def content_key(digest: str) -> str:
    """Where the bytes with this sha256 (hex) are stored."""
    return f"{digest[:2]}/{digest}"


def is_ours(key: str) -> bool:
    """Stored bytes, or a writer's unfinished copy of them."""
    folder, _, name = key.partition("/")
    if len(folder) != 2 or not set(folder) <= _HEX:
        return False
    stored = len(name) == 64 and set(name) <= _HEX and name.startswith(folder)
    partial = name.startswith(PARTIAL_PREFIX) and name.endswith(PARTIAL_SUFFIX) and "/" not in name
    return stored or partial


def deletable(
    files: Iterable[StoredFile], referenced: Collection[str], cutoff: datetime
) -> list[str]:
    """The keys of our files that no attachment refers to and nobody has written since
    `cutoff` (an unfinished copy is never referred to: its writer died or gave up)."""
    return [
        f.key for f in files if is_ours(f.key) and f.key not in referenced and f.modified < cutoff
    ]
