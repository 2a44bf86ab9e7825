"""Whether the workspace's dependencies answer: the database, its migrations, Redis.

`serve` checks them before it starts anything (an unmigrated database had started "healthy"
while every page failed), `/readyz` on every probe, and each worker's watch (outages.py) every
few seconds. Each problem is one line naming the setting, and for operators the address tried
(never a password); `/readyz` says only which dependency and what is wrong.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import redis
import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine, make_url

from agent_workspace.sources import cli_command, migration_config

PREPARE = cli_command("prepare")
#: Failures that mean a dependency is away, not a bug in the workspace.
DEPENDENCY_ERRORS: tuple[type[BaseException], ...] = (
    sa.exc.OperationalError,
    sa.exc.DBAPIError,
    redis.RedisError,
    ConnectionError,
    TimeoutError,
)
#: Seconds a check waits for a connection before it says the dependency does not answer.
CONNECT_SECONDS = 3


@dataclass(frozen=True)
class Problem:
    """One dependency that is not as the workspace needs it."""

    kind: str  # database_unreachable, database_unmigrated, redis_unreachable
    setting: str
    detail: str  # for the operator: the address tried, what answered
    reason: str  # for /readyz and agents: what, never where

    @property
    def line(self) -> str:
        return f"{self.setting}: {self.detail}"


def address(url: str) -> str:
    """Where a database or Redis URL points, without its credentials."""
    parts = make_url(url)
    if parts.get_backend_name() == "sqlite":
        return f"SQLite file {parts.database}"
    port = parts.port or _default_port(parts.get_backend_name())
    socket_dir = parts.query.get("host")  # libpq's ?host=/run/postgresql: a Unix socket
    if not parts.host and isinstance(socket_dir, str) and socket_dir.startswith("/"):
        host = f"the socket in {socket_dir} (port {port})"
    else:
        host = f"{parts.host or 'localhost'}:{port}"
    return f"{host}/{parts.database}" if parts.database else host


def _default_port(backend: str) -> int:
    return {"postgresql": 5432, "redis": 6379}.get(backend, 0)


def first_line(problem: BaseException) -> str:
    """The driver's own words, first line only (psycopg adds a hint on the next ones)."""
    text = str(getattr(problem, "orig", None) or problem).strip()
    return text.splitlines()[0].strip() if text else type(problem).__name__


def database_unreachable(url: str, problem: BaseException) -> Problem:
    return Problem(
        "database_unreachable",
        "AW_DATABASE_URL",
        f"the database at {address(url)} does not answer: {first_line(problem)}",
        "the database does not answer",
    )


@functools.cache
def probe_engine(url: str) -> Engine:
    """Connections made for a check alone, never pooled: each check proves that a new
    connection can be made now, with a bound on how long that may take."""
    if make_url(url).get_backend_name() == "sqlite":
        return sa.create_engine(url, poolclass=sa.pool.NullPool)
    return sa.create_engine(
        url, poolclass=sa.pool.NullPool, connect_args={"connect_timeout": CONNECT_SECONDS}
    )


@functools.cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory.from_config(migration_config())


def script_heads() -> frozenset[str]:
    """The revisions this version's migrations end at."""
    return frozenset(_scripts().get_heads())


def database_problem(url: str) -> Problem | None:
    """None when the database answers and its migrations are at this version's head."""
    parts = make_url(url)
    if parts.get_backend_name() == "sqlite" and not Path(parts.database or "").exists():
        return _unmigrated(url, "has no database file yet")
    try:
        with probe_engine(url).connect() as conn:
            current = frozenset(MigrationContext.configure(conn).get_current_heads())
    except (sa.exc.SQLAlchemyError, OSError) as problem:
        return database_unreachable(url, problem)
    heads = script_heads()
    if current == heads:
        return None
    if not current:
        return _unmigrated(url, "has none of the workspace's tables")
    if current - heads and not _known(current - heads):
        return Problem(
            "database_unmigrated",
            "AW_DATABASE_URL",
            f"the database at {address(url)} is at revision {', '.join(sorted(current))}, "
            "which this version does not know (a newer version migrated it): run that version",
            "the database was migrated by another version",
        )
    return _unmigrated(url, f"is at revision {', '.join(sorted(current))}, not the latest")


def _known(revisions: frozenset[str]) -> bool:
    try:
        return all(_scripts().get_revision(r) is not None for r in revisions)
    except CommandError:  # alembic's answer for a revision it has no script for
        return False


def _unmigrated(url: str, what: str) -> Problem:
    return Problem(
        "database_unmigrated",
        "AW_DATABASE_URL",
        f"the database at {address(url)} {what}: run `{PREPARE}` first",
        "the database's migrations are not at head: run prepare",
    )


def redis_problem(url: str | None) -> Problem | None:
    """None when Redis is not configured or answers a PING."""
    if not url:
        return None
    client = redis.Redis.from_url(
        url, socket_timeout=CONNECT_SECONDS, socket_connect_timeout=CONNECT_SECONDS
    )
    try:
        client.ping()
    except (redis.RedisError, OSError) as problem:
        return Problem(
            "redis_unreachable",
            "AW_REDIS_URL",
            f"Redis at {address(url)} does not answer: {first_line(problem)}",
            "Redis does not answer",
        )
    finally:
        client.close()
    return None


def problems(database_url: str, redis_url: str | None) -> list[Problem]:
    """Every dependency problem now (blocking: run it off the event loop)."""
    found = [database_problem(database_url), redis_problem(redis_url)]
    return [p for p in found if p is not None]


# What agents read while a dependency is away: what is wrong in their words, and that nothing
# they type is lost (the browser keeps the draft: assets/workspace.js).
_LOST = {
    "database_unreachable": "its database",
    "redis_unreachable": "its connection store (Redis)",
}


def agent_notice(found: list[Problem]) -> str:
    """The banner's text for these problems ("" when there are none)."""
    if not found:
        return ""
    what = []
    if lost := [_LOST[p.kind] for p in found if p.kind in _LOST]:
        what.append("the workspace has lost " + " and ".join(dict.fromkeys(lost)))
    if any(p.kind == "database_unmigrated" for p in found):
        what.append("the workspace is being upgraded")
    return (
        f"Reconnecting: {'; '.join(what)}. Sending is paused until it is back; what you type "
        "is kept in this browser."
    )
