"""Which channel a provider number belongs to, from memory after the first read.

A provider number is never deleted (a removed one stays, inactive, and still receives), so a
number once found stays true; a miss reads the database again, since another worker may just have
added it. ChannelChanged clears the memory anyway, and tests clear it with the engine cache.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import select

from agent_workspace.db.engine import get_engine, reading
from agent_workspace.models import ProviderNumber
from agent_workspace.services import events

_known: dict[tuple[str, str], int] = {}


def cached_channel(e164: str, engine: Engine | None = None) -> int | None:
    """The channel of a provider number if it is in memory; never touches the database."""
    return _known.get((_where(engine), e164))


def channel_of(e164: str, engine: Engine | None = None) -> int | None:
    """The channel of a provider number, or None when it is none of ours (a blocking read)."""
    key = (_where(engine), e164)
    if (known := _known.get(key)) is not None:
        return known
    with reading(engine) as session:
        channel_id = session.exec(
            select(ProviderNumber.channel_id).where(ProviderNumber.e164 == e164)
        ).first()
    if channel_id is not None:
        _known[key] = channel_id
    return channel_id


def forget() -> None:
    _known.clear()


def _where(engine: Engine | None) -> str:
    return str((engine or get_engine()).url)


def _on_event(event: events.Event) -> None:
    if isinstance(event, events.ChannelChanged):
        forget()


events.subscribe(_on_event)
