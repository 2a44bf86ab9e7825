"""Twilio webhooks (signed) and media links (HMAC-signed), as a Starlette app under /api/; the
operators' /readyz (web/probes.py) and /metrics (web/metrics.py) beside them."""

from __future__ import annotations

import logging
from urllib.parse import parse_qsl, quote

from sqlalchemy.exc import SQLAlchemyError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from agent_workspace.config import get_settings
from agent_workspace.db.engine import transaction
from agent_workspace.domain.media_types import OCTET_STREAM, is_inline_safe
from agent_workspace.domain.webhooks import (
    Malformed,
    parse_inbound,
    parse_status,
)
from agent_workspace.models import Attachment
from agent_workspace.ops.metrics import WEBHOOKS
from agent_workspace.services.channels import numbers
from agent_workspace.services.errors import InvalidInput
from agent_workspace.services.files import media_links
from agent_workspace.services.files.storage import read_bytes
from agent_workspace.services.inbound.accept import accept_inbound
from agent_workspace.services.outbox import statuses
from agent_workspace.sms import SIGNATURE_HEADER, validate_signature
from agent_workspace.web import metrics, probes

log = logging.getLogger(__name__)
# Nothing a stored file says may load, run or navigate: it is shown, never executed.
MEDIA_CSP = "default-src 'none'; sandbox"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'


def _public_url(request: Request) -> str:
    """The URL the provider signed: the configured public base, never the internal address."""
    query = request.url.query
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}{request.url.path}" + (f"?{query}" if query else "")


FORM = "application/x-www-form-urlencoded"
Pairs = list[tuple[str, str]]


async def _signed_form(request: Request) -> Pairs | None:
    """The posted text fields in order, or None when the signature does not hold over them.

    Twilio posts url-encoded forms: those are decoded straight from the body, which costs a
    fraction of Starlette's form parser; anything else (multipart) still goes through it.
    """
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == FORM:
        body = (await request.body()).decode("utf-8", "replace")
        pairs = parse_qsl(body, keep_blank_values=True, errors="replace")
    else:
        form = await request.form()
        pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
    token = get_settings().provider_account().auth_token
    signature = request.headers.get(SIGNATURE_HEADER)
    if not validate_signature(token, _public_url(request), pairs, signature):
        log.warning("rejected webhook with a bad or missing signature: %s", request.url.path)
        return None
    return pairs


async def inbound(request: Request) -> Response:
    """Stores the webhook as accepted and answers; the router files it just after.

    The request does the least: signature, field checks, a known To number (from memory), one
    INSERT. A provider retry of an accepted MessageSid inserts nothing and is answered the same.
    """
    pairs = await _signed_form(request)
    if pairs is None:
        return _refused("inbound", "signature", "invalid signature", 403)
    fields = _fields(pairs)
    sms = parse_inbound(fields)
    if isinstance(sms, Malformed):
        return _refused("inbound", "malformed", sms.reason, 400)
    channel_id = numbers.cached_channel(sms.to)
    try:
        if channel_id is None:
            # Blocking DB work runs off the event loop (it is the app's loop, shared with Reflex).
            channel_id = await run_in_threadpool(numbers.channel_of, sms.to)
        if channel_id is None:
            return _refused(
                "inbound",
                "unknown_number",
                f"{sms.to} is not a provider number of any channel.",
                404,
            )
        new = await run_in_threadpool(accept_inbound, sms=sms, channel_id=channel_id, fields=fields)
    except SQLAlchemyError:
        # Never a 200 for what was not kept: the provider is told, and may send it again.
        log.exception("inbound %s could not be stored", sms.sid)
        return _refused(
            "inbound",
            "not_stored",
            "The message could not be stored; it was not accepted. Send it again later.",
            503,
        )
    WEBHOOKS.labels("inbound", "accepted", "new" if new else "duplicate").inc()
    return Response(EMPTY_TWIML, media_type="text/xml")


def _refused(kind: str, reason: str, text: str, status: int) -> Response:
    WEBHOOKS.labels(kind, "refused", reason).inc()
    return PlainTextResponse(text, status_code=status)


async def status(request: Request) -> Response:
    pairs = await _signed_form(request)
    if pairs is None:
        return _refused("status", "signature", "invalid signature", 403)
    report = parse_status(_fields(pairs))
    if isinstance(report, Malformed):
        return _refused("status", "malformed", report.reason, 400)
    if report.status is None:
        # Not a status of a message we send: an inbound one's, or a word Twilio added after
        # this code (refusing it would only log an error at Twilio).
        log.warning(
            "status callback for %s: unknown status %r, taken, nothing changed",
            report.sid,
            report.posted,
        )
        WEBHOOKS.labels("status", "accepted", "unknown_status").inc()
        return Response(status_code=204)
    try:
        await run_in_threadpool(
            statuses.apply_delivery_status,
            sid=report.sid,
            status=report.status,
            error_code=report.error_code,
            from_=report.from_,
        )
    except InvalidInput as refused:
        return _refused("status", "not_outbound", refused.message, 409)
    except SQLAlchemyError:
        # Twilio never retries a status callback; the message's status is looked up at the
        # provider later (services/outbox/statuses.py). The 503 says it was not kept.
        log.exception("status callback for %s could not be stored", report.sid)
        return _refused("status", "not_stored", "The status could not be stored.", 503)
    WEBHOOKS.labels("status", "accepted", "").inc()
    return Response(status_code=204)


def _fields(pairs: Pairs) -> dict[str, str]:
    """The form's text fields (the first of each name); files are never part of a webhook."""
    fields: dict[str, str] = {}
    for key, value in pairs:
        fields.setdefault(key, value)
    return fields


async def media(request: Request) -> Response:
    """Serves a stored attachment to whoever holds an unexpired signed link (Twilio, browsers).

    The file came from a consumer's phone or an agent's disk and is served on the app's own
    origin, where the session lives: so it is never sniffed, runs nothing (a sandboxing CSP),
    and only raster images are shown inline; everything else downloads.
    """
    try:
        attachment_id = int(request.path_params["attachment_id"])
    except ValueError:
        return PlainTextResponse("not found", status_code=404)
    expires, signature = request.query_params.get("exp", ""), request.query_params.get("sig", "")
    if not media_links.verify(attachment_id, expires, signature):
        return PlainTextResponse("this link is invalid or has expired", status_code=403)
    found = await run_in_threadpool(_stored_file, attachment_id)
    if found is None:
        return PlainTextResponse("not found", status_code=404)
    data, content_type, filename = found
    content_type = content_type.split(";")[0].strip().lower() or OCTET_STREAM
    disposition = "inline" if is_inline_safe(content_type) else "attachment"
    return Response(
        data,
        media_type=content_type,
        headers={
            "Cache-Control": "private, max-age=300",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": MEDIA_CSP,
            "Content-Disposition": _disposition(disposition, filename),
        },
    )


def _stored_file(attachment_id: int) -> tuple[bytes, str, str] | None:
    """(bytes, content type, filename) of a stored attachment, or None."""
    with transaction() as session:
        attachment = session.get(Attachment, attachment_id)
        if attachment is None or not attachment.storage_key:
            return None
        key, content_type, filename = (
            attachment.storage_key,
            attachment.content_type,
            attachment.filename,
        )
    return read_bytes(key), content_type, filename


def _disposition(kind: str, filename: str) -> str:
    """`kind` with the name as an ASCII fallback plus RFC 5987 UTF-8 (headers are latin-1)."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    if fallback == filename:
        return f'{kind}; filename="{filename}"'
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def create_api() -> Starlette:
    return Starlette(
        routes=[
            Route("/api/twilio/inbound", inbound, methods=["POST"]),
            Route("/api/twilio/status", status, methods=["POST"]),
            Route("/api/media/{attachment_id}/{filename}", media, methods=["GET"]),
            *probes.routes,
            *metrics.routes,
        ]
    )
