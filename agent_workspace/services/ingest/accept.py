"""The request's whole write: one INSERT of the webhook as posted, a provider retry a no-op."""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from agent_workspace.db.engine import autocommit_engine, get_engine, once_more_if_dropped
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import AcceptedWebhook, utcnow
from agent_workspace.services import events
from agent_workspace.services.ingest import gate

_TABLE: sa.Table = AcceptedWebhook.__table__  # type: ignore[attr-defined]
# RETURNING says whether a row went in (rowcount is -1 on PostgreSQL, which returns the id).
_INSERTS = {
    "sqlite": sqlite.insert(_TABLE).on_conflict_do_nothing(index_elements=["sid"]),
    "postgresql": postgresql.insert(_TABLE).on_conflict_do_nothing(index_elements=["sid"]),
}
_INSERTS = {name: insert.returning(_TABLE.c.id) for name, insert in _INSERTS.items()}


def _one_statement(bound: Engine) -> AbstractContextManager[Connection]:
    """PostgreSQL: the INSERT alone on a connection kept in autocommit, committed (and
    flushed) when it returns, as one statement is atomic anyway: BEGIN and COMMIT had been two
    more round trips per webhook (0.2 ms of its ~1.1 ms), and the pool's ping a third. SQLite:
    the engine's BEGIN IMMEDIATE transaction."""
    if bound.dialect.name != "postgresql":
        return bound.begin()
    return autocommit_engine(bound).connect()


def accept_inbound(
    *, sms: InboundText, channel_id: int, fields: Mapping[str, str], engine: Engine | None = None
) -> bool:
    """Stores a checked inbound webhook durably; True when it is new (not a retry).

    Core, not the ORM: this runs once per webhook on the request path, and a session, identity
    map and flush would cost more than the INSERT. The router is woken after commit.
    """
    bound = engine or get_engine()
    row = {
        "sid": sms.sid,
        "channel_id": channel_id,
        "from_number": sms.from_,
        "fields": dict(fields),
        "accepted_at": utcnow(),
        "attempts": 0,
    }
    dialect = bound.dialect.name

    def insert() -> bool:
        with gate.accepting(serialise=dialect == "sqlite"), _one_statement(bound) as conn:
            return conn.execute(_INSERTS[dialect], row).first() is not None

    # If a first INSERT on a dropped connection did commit, the second inserts nothing; the
    # router is woken all the same.
    new, retried = once_more_if_dropped(insert)
    if new or retried:
        events.publish(events.InboundAccepted(channel_id, sms.from_))
    return new
