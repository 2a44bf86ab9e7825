"""Dependencies a test takes away and gives back: its own Redis server, its own PostgreSQL
database refusing connections. Never the shared ones."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import sqlalchemy as sa

from tests.support.databases import PG_ADMIN_URL
from tests.support.servers import free_port
from tests.support.waiting import wait_until

NO_DISK = ("--save", "", "--appendonly", "no")


def shared_redis_url(db: int) -> str:
    """Database `db` of the shared Redis for this test process: each pytest-xdist worker takes
    the next one (gw0 `db`, gw1 `db + 1`), so two workers' workspaces never share keys or
    channels. Tests give each use a number four apart (7 and 11)."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    return f"redis://127.0.0.1:6379/{db + int(worker or 0)}"


class RedisServer:
    """Debian's redis-server on a free loopback port, without persistence, started and stopped
    by the test (a stop is a crash: SIGKILL, as when the host or the container dies)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [*("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"), *NO_DISK],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@contextmanager
def redis_server() -> Iterator[RedisServer]:
    server = RedisServer().start()
    try:
        yield server
    finally:
        server.kill()


def set_connections(url: str, *, allowed: bool) -> None:
    """Makes the PostgreSQL database of `url` refuse new connections (and ends the ones it has),
    as a database that went away does; or lets it take them again."""
    name = url.rsplit("/", 1)[1]
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(
                f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}'
            )
            if not allowed:
                conn.execute(
                    sa.text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                        " WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                )
    finally:
        admin.dispose()
