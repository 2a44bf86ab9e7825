"""What a storage folder holds, for tests that measure it."""

from __future__ import annotations

from pathlib import Path


def stored_files(root: Path) -> dict[str, int]:
    """Every file below `root` (path relative to it → size); empty before anything is stored."""
    if not root.exists():
        return {}
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file()}


def folder_size(root: Path) -> int:
    return sum(stored_files(root).values())
