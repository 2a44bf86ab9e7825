"""The file collector: deletes stored bytes nothing refers to, so the storage folder holds what
messages carry and what agents have attached in the last while, and no more.

What it deletes: files attached in a composer and never sent within the grace (the tab closed,
the session ended, the agent went to another interaction), and bytes no row refers to once
they are older than the grace (a Remove or an expiry whose delete a crash interrupted, a
transaction that rolled back after writing them, files from before the collector existed).
Removing a staged file deletes its bytes at once (staged.discard); this catches the rest.

Every worker runs it (a lifespan task); passes may overlap: each file is deleted under its
key's lock by whichever pass gets there first (files/unreferenced.py), the others skip it.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine

from agent_workspace.db.engine import reading
from agent_workspace.domain.file_retention import deletable
from agent_workspace.models import utcnow
from agent_workspace.services.files import staged, storage, unreferenced

log = logging.getLogger(__name__)
BATCH = 500


@dataclass(frozen=True)
class Collected:
    expired: int  # files attached and never sent within the grace, removed
    deleted: int  # files deleted from the storage folder
    freed: int  # their bytes


def collect_files(
    *,
    grace: timedelta,
    now: datetime | None = None,
    remove: unreferenced.Remove = storage.remove,
    engine: Engine | None = None,
) -> Collected:
    """One pass: expires what was attached before `now - grace` and never sent, then deletes
    the files no row refers to that nobody has written since then."""
    cutoff = (now or utcnow()) - grace
    expired = deleted = freed = 0
    while keys := staged.expire_unsent(attached_before=cutoff, limit=BATCH, engine=engine):
        expired += len(keys)
        files, size = unreferenced.release(keys, remove=remove, engine=engine)
        deleted, freed = deleted + files, freed + size
    files_on_disk = storage.listing()
    while batch := list(itertools.islice(files_on_disk, BATCH)):
        with reading(engine) as session:
            referenced = unreferenced.referenced(session, [f.key for f in batch])
        files, size = unreferenced.release(
            deletable(batch, referenced, cutoff), remove=remove, engine=engine
        )
        deleted, freed = deleted + files, freed + size
    return Collected(expired, deleted, freed)


async def collect_forever(*, every: float, grace: timedelta, engine: Engine | None = None) -> None:
    """A pass now and every `every` seconds, in a worker thread (the loop is every tab's)."""
    while True:
        try:
            done = await asyncio.to_thread(collect_files, grace=grace, engine=engine)
        except Exception:  # the task must survive a database or disk hiccup
            log.exception("file collection failed")
        else:
            if done.expired or done.deleted:
                log.info(
                    "file collection: %d unsent attachments expired, %d files deleted (%d bytes)",
                    done.expired,
                    done.deleted,
                    done.freed,
                )
        await asyncio.sleep(every)
