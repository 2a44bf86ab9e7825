"""Deleting stored bytes that no attachment refers to any more, safely beside the transactions
that add references.

Bytes are shared (identical files are stored once) and a reference is added by a transaction
that writes or finds them first (storage.store_files). Both sides take the key's lock: the
bytes go only while the remover holds it and has seen, after taking it, that no row refers to
them. A writer that committed first is seen; one that comes later waits, then writes the bytes
again. So no Send or attach commits a reference to deleted bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from agent_workspace.db.engine import transaction
from agent_workspace.db.locks import lock_files
from agent_workspace.models import Attachment
from agent_workspace.services.files import storage

Remove = Callable[[str], int | None]
"""Deletes a stored file: its size, or None if it was gone (the collector's seam)."""


def release(
    keys: Iterable[str], *, remove: Remove = storage.remove, engine: Engine | None = None
) -> tuple[int, int]:
    """Deletes each file of `keys` that nothing refers to, one transaction each (the lock is
    held briefly): how many files went, and their bytes. Running it twice, or in two workers at
    once, deletes each file once and fails on none."""
    deleted = freed = 0
    for key in sorted(set(keys)):
        with transaction(engine) as session:
            lock_files(session, [key])
            if referenced(session, [key]):
                continue
            size = remove(key)
        if size is not None:
            deleted, freed = deleted + 1, freed + size
    return deleted, freed


def referenced(session: Session, keys: Iterable[str]) -> set[str]:
    """Which of `keys` an attachment (staged, sent or received) refers to."""
    wanted = list(keys)
    if not wanted:
        return set()
    query = select(Attachment.storage_key).where(col(Attachment.storage_key).in_(wanted))
    return {key for key in session.exec(query.distinct()) if key is not None}
