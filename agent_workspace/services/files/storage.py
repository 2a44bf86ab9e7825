"""Attachment bytes on disk, content-addressed so a retried write is harmless."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from agent_workspace.config import get_settings


def _root() -> Path:
    return Path(get_settings().storage_dir)


def store_bytes(data: bytes) -> tuple[str, str]:
    """Writes `data` once (atomically) and returns (storage key, sha256)."""
    digest = hashlib.sha256(data).hexdigest()
    key = f"{digest[:2]}/{digest}"
    path = _root() / key
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # A unique temp name per writer: racing writers of the same bytes all succeed.
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
    return key, digest


def read_bytes(key: str) -> bytes:
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise ValueError("storage key escapes the storage folder")
    return path.read_bytes()
