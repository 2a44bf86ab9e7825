"""The floor for ingest: a bare Starlette endpoint that checks the signature and INSERTs one row.

Served like the app (Granian, one worker) against the same database with the same engine settings
(`make_engine`), it is what no webhook route can beat: the signature check, one durable INSERT in
a thread, the empty TwiML answer. `benchmarks/ingest.py` compares the workspace's route with it.

Configured by the environment: AW_DATABASE_URL, AW_PUBLIC_BASE_URL, BARE_AUTH_TOKEN.
Run: python -m granian --interface asgi --workers 1 benchmarks.bare_ingest:app
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from twilio.request_validator import RequestValidator

from agent_workspace.db.engine import make_engine

PATH = "/api/twilio/inbound"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
TABLE = sa.Table(
    "bare_webhook",
    sa.MetaData(),
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sid", sa.String(34), nullable=False, unique=True),
    sa.Column("body", sa.Text, nullable=False),
)

_engine = make_engine(os.environ["AW_DATABASE_URL"])
TABLE.create(_engine, checkfirst=True)
_validator = RequestValidator(os.environ["BARE_AUTH_TOKEN"])
_url = os.environ["AW_PUBLIC_BASE_URL"].rstrip("/") + PATH


def _insert(sid: str, body: str) -> None:
    with _engine.begin() as conn:
        conn.execute(TABLE.insert().values(sid=sid, body=body))


async def inbound(request: Request) -> Response:
    form = await request.form()
    if not _validator.validate(_url, form, request.headers.get("X-Twilio-Signature", "")):
        return PlainTextResponse("invalid signature", status_code=403)
    await run_in_threadpool(_insert, str(form["MessageSid"]), str(form.get("Body", "")))
    return Response(EMPTY_TWIML, media_type="text/xml")


app = Starlette(routes=[Route(PATH, inbound, methods=["POST"])])
