"""The Twilio 2010-04-01 Messages API routes of the simulator (HTTP Basic auth)."""

from __future__ import annotations

import asyncio
import base64
import binascii
import hmac
import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent_workspace.sms.simulator.core import Simulator
from agent_workspace.sms.simulator.listing import BadListQuery, date_sent_window, list_page
from agent_workspace.sms.simulator.magic import ERROR_MESSAGES, validate_create
from agent_workspace.sms.simulator.render import (
    API_VERSION,
    error_response,
    media_json,
    message_json,
    page_json,
)
from agent_workspace.sms.simulator.store import Fault, SimMessage

PREFIX = f"/{API_VERSION}/Accounts/{{account_sid}}"


def _sim(request: Request) -> Simulator:
    sim: Simulator = request.app.state.simulator
    return sim


def _auth_error(request: Request) -> Response | None:
    """401 (20003) unless Basic auth is account SID + auth token; 404 for another account."""
    sim = _sim(request)
    expected = f"{sim.config.account_sid}:{sim.config.auth_token}"
    header = request.headers.get("authorization", "")
    given = ""
    if header.lower().startswith("basic "):
        try:
            given = base64.b64decode(header[6:].strip()).decode()
        except (binascii.Error, UnicodeDecodeError):
            given = ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return error_response(
            20003, 401, "Authenticate", headers={"WWW-Authenticate": 'Basic realm="Twilio API"'}
        )
    if request.path_params.get("account_sid") != sim.config.account_sid:
        return error_response(20404, 404, "The requested resource was not found")
    return None


def _not_found() -> Response:
    return error_response(20404, 404, "The requested resource was not found")


async def create_message(request: Request) -> Response:
    arrived_at = time.time()
    if (denied := _auth_error(request)) is not None:
        return denied
    sim = _sim(request)
    form = await request.form()
    params: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            params.setdefault(key, []).append(value)
    fault = sim.store.take_fault()
    if fault is not None and fault.kind == "http_500" and not fault.stored:
        return error_response(20500, 500, "Internal Server Error")
    if fault is not None and fault.kind == "429":
        retry_after = {"Retry-After": f"{fault.retry_after:g}"}
        return error_response(20429, 429, "Too Many Requests", headers=retry_after)
    if fault is not None and fault.kind == "queue_full":
        return error_response(21611, 400, ERROR_MESSAGES[21611])
    to = params.get("To", [""])[0]
    from_ = params.get("From", [""])[0]
    service = params.get("MessagingServiceSid", [""])[0]
    if service and not from_ and sim.config.has_service(service):
        from_ = sim.sender_for(service, to)  # the opt-out is the sender's it will go from
    rejected = validate_create(
        params,
        provider_numbers=sim.config.provider_numbers,
        is_opted_out=sim.store.is_opted_out(from_, to),
        has_service=sim.config.has_service,
    )
    if rejected is not None:
        headers: dict[str, str] | None = None
        if rejected.retry_after is not None:
            headers = {"Retry-After": f"{rejected.retry_after:g}"}
        return error_response(rejected.code, rejected.http_status, rejected.message, headers)
    if fault is not None and fault.kind == "hang" and fault.stored_at == "end":
        late = await _create_late(sim, params, fault, arrived_at)
        return JSONResponse(message_json(late), status_code=201)
    message = sim.create_outbound(
        params, fault=fault.kind if fault else None, arrived_at=arrived_at
    )
    if fault is not None and fault.kind == "http_500":  # stored, then the answer is lost
        return error_response(20500, 500, "Internal Server Error")
    body = message_json(message)
    if fault is not None and fault.kind == "hang":
        await asyncio.sleep(fault.delay)
    return JSONResponse(body, status_code=201)


async def _create_late(
    sim: Simulator, params: dict[str, list[str]], fault: Fault, arrived_at: float
) -> SimMessage:
    """Store the message after `fault.delay`, even if the client has given up by then."""

    async def later() -> SimMessage:
        await asyncio.sleep(fault.delay)
        return sim.create_outbound(params, fault=fault.kind, arrived_at=arrived_at)

    return await asyncio.shield(sim.spawn(later()))


async def fetch_message(request: Request) -> Response:
    if (denied := _auth_error(request)) is not None:
        return denied
    sid = request.path_params["message_sid"].removesuffix(".json")
    message = _sim(request).store.get(sid)
    if message is None:
        return _not_found()
    return JSONResponse(message_json(message))


async def list_messages(request: Request) -> Response:
    if (denied := _auth_error(request)) is not None:
        return denied
    query = request.query_params
    to, from_ = query.get("To"), query.get("From")
    try:
        window = date_sent_window(query)
        page = max(0, int(query.get("Page", "0")))
        page_size = min(1000, max(1, int(query.get("PageSize", "50"))))
    except BadListQuery as bad:
        return error_response(20001, 400, str(bad))
    except ValueError:
        return error_response(20001, 400, "Invalid paging parameters")

    def matches(m: SimMessage) -> bool:
        return (
            (not to or m.to == to)
            and (not from_ or m.from_ == from_)
            and (window is None or window.holds(m.date_sent))
        )

    token = query.get("PageToken") or None
    try:
        found = list_page(
            _sim(request).store.messages(), where=matches, page_size=page_size, token=token
        )
    except BadListQuery as bad:
        return error_response(20001, 400, str(bad))
    filters = [(k, v) for k, v in query.multi_items() if k not in ("Page", "PageSize", "PageToken")]
    return JSONResponse(
        page_json(
            "messages",
            [message_json(m) for m in found.items],
            path=request.url.path,
            query=urlencode(filters),
            page=page,
            page_size=page_size,
            token=token,
            next_token=found.next_token,
        )
    )


async def list_media(request: Request) -> Response:
    if (denied := _auth_error(request)) is not None:
        return denied
    message = _sim(request).store.get(request.path_params["message_sid"])
    if message is None:
        return _not_found()
    items = [media_json(message, media) for media in message.media]
    return JSONResponse(
        page_json(
            "media_list",
            items,
            path=request.url.path,
            query="",
            page=0,
            page_size=50,
        )
    )


routes = [
    Route(f"{PREFIX}/Messages.json", create_message, methods=["POST"]),
    Route(f"{PREFIX}/Messages.json", list_messages, methods=["GET"]),
    Route(f"{PREFIX}/Messages/{{message_sid}}/Media.json", list_media, methods=["GET"]),
    Route(f"{PREFIX}/Messages/{{message_sid}}", fetch_message, methods=["GET"]),
]
