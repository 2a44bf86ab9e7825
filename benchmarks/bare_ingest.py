"""The floor for ingest: a bare Starlette endpoint that stores the same signed webhook with the
raw driver.

Served like the app (Granian, one worker) against the same migrated database, it does what no
webhook route can do with less: reads the url-encoded form, checks the same signature, INSERTs
the same `accepted_webhook` row the app's accept stores (the text's columns as posted, every
field as JSON, a retried MessageSid inserting nothing) and answers the empty TwiML. No ORM, no
SQLAlchemy, no thread hop: on SQLite with `sqlite3` inline on the loop (the app's pragmas, a
`BEGIN IMMEDIATE` transaction), on PostgreSQL with psycopg's async connections kept open in
autocommit (one per request in flight, up to KEPT). `benchmarks/ingest.py` compares the
workspace's route with it.

Configured by the environment: AW_DATABASE_URL, AW_PUBLIC_BASE_URL, BARE_AUTH_TOKEN.
Run: python -m granian --interface asgi --workers 1 benchmarks.bare_ingest:app
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

PATH = "/api/twilio/inbound"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
KEPT = 8
_URL = os.environ["AW_DATABASE_URL"]
_validator = RequestValidator(os.environ["BARE_AUTH_TOKEN"])
_public = os.environ["AW_PUBLIC_BASE_URL"].rstrip("/") + PATH
_INSERT = (
    "INSERT INTO accepted_webhook (sid, channel_id, from_number, to_number, body, media,"
    " opt_out_type, fields, accepted_at, attempts)"
    " VALUES ({values}, 0) ON CONFLICT (sid) DO NOTHING RETURNING id"
)


class _SQLite:
    """One sqlite3 connection, used inline on the loop, with the app's pragmas."""

    def __init__(self, path: str) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        for pragma in ("foreign_keys=ON", "journal_mode=WAL", "synchronous=NORMAL"):
            self.conn.execute(f"PRAGMA {pragma}")
        self.conn.execute("PRAGMA busy_timeout=30000")
        found = self.conn.execute("SELECT e164, channel_id FROM provider_number")
        self.channels: dict[str, int] = dict(found)
        self.insert = _INSERT.format(values="?, ?, ?, ?, ?, ?, ?, ?, ?")

    async def store(self, row: tuple[Any, ...]) -> bool:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            new = conn.execute(self.insert, row).fetchone() is not None
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        return new

    @staticmethod
    def when() -> str:
        return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy stores it


class _Postgres:
    """psycopg's async connections kept open in autocommit: one per request in flight."""

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.dsn = dsn
        self.idle: list[psycopg.AsyncConnection[Any]] = []
        self.insert = _INSERT.format(values="%s, %s, %s, %s, %s, %s::json, %s, %s::json, %s")
        with psycopg.connect(dsn) as conn:
            found = conn.execute("SELECT e164, channel_id FROM provider_number").fetchall()
        self.channels: dict[str, int] = dict(found)

    async def store(self, row: tuple[Any, ...]) -> bool:
        import psycopg

        conn = self.idle.pop() if self.idle else None
        if conn is None:
            conn = await psycopg.AsyncConnection.connect(self.dsn, autocommit=True)
        try:
            cursor = await conn.execute(self.insert, row, prepare=True)
            new = await cursor.fetchone() is not None
        except BaseException:
            await conn.close()
            raise
        if len(self.idle) < KEPT:
            self.idle.append(conn)
        else:
            await conn.close()
        return new

    @staticmethod
    def when() -> datetime:
        return datetime.now(UTC)


def _database() -> _SQLite | _Postgres:
    if _URL.startswith("sqlite:///"):
        return _SQLite(_URL.removeprefix("sqlite:///"))
    return _Postgres(_URL.replace("postgresql+psycopg://", "postgresql://", 1))


_db = _database()


async def inbound(request: Request) -> Response:
    body = (await request.body()).decode("utf-8", "replace")
    pairs = parse_qsl(body, keep_blank_values=True, errors="replace")
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    signature = request.headers.get("X-Twilio-Signature", "")
    if not _validator.validate(_public, fields, signature):
        return PlainTextResponse("invalid signature", status_code=403)
    channel_id = _db.channels.get(fields.get("To", ""))
    if channel_id is None:
        return PlainTextResponse("unknown number", status_code=404)
    media = [
        [fields.get(f"MediaUrl{i}", ""), fields.get(f"MediaContentType{i}", "")]
        for i in range(int(fields.get("NumMedia") or 0))
    ]
    row = (
        fields["MessageSid"],
        channel_id,
        fields.get("From", ""),
        fields["To"],
        fields.get("Body", ""),
        json.dumps(media),
        fields.get("OptOutType") or None,
        json.dumps(fields),
        _db.when(),
    )
    await _db.store(row)
    return Response(EMPTY_TWIML, media_type="text/xml")


async def nothing(request: Request) -> Response:
    return PlainTextResponse("up")


app = Starlette(
    routes=[Route(PATH, inbound, methods=["POST"]), Route("/nothing", nothing, methods=["GET"])]
)
