"""Test-control API under /_sim/ (not part of Twilio; no auth, loopback clients only).

- POST /_sim/reset                       forget messages, opt-outs, faults; stop background work
- GET  /_sim/messages                    every message, both directions, with callbacks and params
- POST /_sim/faults  {"kind": "http_500" | "hang" | "429" | "queue_full", "count": 1,
                      "delay": 2.0, "retry_after": 1, "stored": false, "stored_at": "start"}
                     applies to the next `count` creates; "http_500" with "stored": true keeps
                     (and sends) the message it answers 500 for; "hang" answers after `delay`
                     seconds and stores the message at the "start" or only at the "end"
- POST /_sim/inbound {"from": phone, "to": provider, "body": "...",
                      "media": [{"content_type": "image/png", "data_base64": "..."}]}
- POST /_sim/settings {"inbound_webhook_url", "media_first_fetch_404", "provider_numbers",
                       "status_delays", "hold_queued", "advanced_opt_out_service",
                       "messaging_services"}
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from agent_workspace.sms.simulator.core import InboundError, Simulator
from agent_workspace.sms.simulator.store import Fault

FAULT_KINDS = ("http_500", "hang", "429", "queue_full")


def _sim(request: Request) -> Simulator:
    sim: Simulator = request.app.state.simulator
    return sim


def _forbidden(request: Request) -> Response | None:
    host = request.client.host if request.client else ""
    try:
        if ipaddress.ip_address(host).is_loopback:
            return None
    except ValueError:
        pass
    return JSONResponse({"error": "the control API is for loopback clients only"}, 403)


async def _json(request: Request) -> dict[str, Any]:
    try:
        data = await request.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def reset(request: Request) -> Response:
    if (denied := _forbidden(request)) is not None:
        return denied
    await _sim(request).reset()
    return JSONResponse({"ok": True})


async def messages(request: Request) -> Response:
    if (denied := _forbidden(request)) is not None:
        return denied
    return JSONResponse({"messages": [m.to_dict() for m in _sim(request).store.messages()]})


async def faults(request: Request) -> Response:
    if (denied := _forbidden(request)) is not None:
        return denied
    data = await _json(request)
    kind = data.get("kind")
    if kind not in FAULT_KINDS:
        return JSONResponse({"error": f"kind must be one of {FAULT_KINDS}"}, 400)
    stored_at = data.get("stored_at", "start")
    if stored_at not in ("start", "end"):
        return JSONResponse({"error": 'stored_at must be "start" or "end"'}, 400)
    try:
        fault = Fault(
            kind=kind,
            remaining=int(data.get("count", 1)),
            delay=float(data.get("delay", 5.0)),
            retry_after=float(data.get("retry_after", 1.0)),
            stored=bool(data.get("stored", False)),
            stored_at=stored_at,
        )
    except (TypeError, ValueError):
        return JSONResponse({"error": "count, delay and retry_after must be numbers"}, 400)
    _sim(request).store.add_fault(fault)
    return JSONResponse({"ok": True})


async def inbound(request: Request) -> Response:
    if (denied := _forbidden(request)) is not None:
        return denied
    data = await _json(request)
    try:
        media = [
            (str(item["content_type"]), base64.b64decode(item["data_base64"]))
            for item in data.get("media", [])
        ]
        message = await _sim(request).receive_from_phone(
            phone=str(data.get("from", "")),
            provider=str(data.get("to", "")),
            body=str(data.get("body", "")),
            media=media,
        )
    except (InboundError, KeyError, TypeError, binascii.Error) as exc:
        return JSONResponse({"error": str(exc)}, 400)
    return JSONResponse(message.to_dict(), 201)


async def settings(request: Request) -> Response:
    if (denied := _forbidden(request)) is not None:
        return denied
    data = await _json(request)
    config = _sim(request).config
    if "inbound_webhook_url" in data:
        config.inbound_webhook_url = data["inbound_webhook_url"] or None
    if "media_first_fetch_404" in data:
        config.media_first_fetch_404 = bool(data["media_first_fetch_404"])
    if "provider_numbers" in data:
        config.provider_numbers = frozenset(data["provider_numbers"] or ())
    if "status_delays" in data:
        first, second, third = (float(d) for d in data["status_delays"])
        config.status_delays = (first, second, third)
    if "hold_queued" in data:
        config.hold_queued = bool(data["hold_queued"])
    if "advanced_opt_out_service" in data:
        config.advanced_opt_out_service = data["advanced_opt_out_service"] or None
    if "messaging_services" in data:
        config.messaging_services = frozenset(data["messaging_services"] or ())
    return JSONResponse(
        {
            "inbound_webhook_url": config.inbound_webhook_url,
            "media_first_fetch_404": config.media_first_fetch_404,
            "provider_numbers": sorted(config.provider_numbers),
            "status_delays": list(config.status_delays),
            "hold_queued": config.hold_queued,
            "advanced_opt_out_service": config.advanced_opt_out_service,
            "messaging_services": sorted(config.messaging_services),
        }
    )


routes = [
    Route("/_sim/reset", reset, methods=["POST"]),
    Route("/_sim/messages", messages, methods=["GET"]),
    Route("/_sim/faults", faults, methods=["POST"]),
    Route("/_sim/inbound", inbound, methods=["POST"]),
    Route("/_sim/settings", settings, methods=["POST"]),
]
