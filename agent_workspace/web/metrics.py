"""`GET /metrics`: the Prometheus text of every worker (ops/metrics.py), for a scraper holding
AW_METRICS_TOKEN as its bearer token. Without the setting it is off (404): the page names
phones' backlogs and the desk's load, not for whoever can reach the workspace."""

from __future__ import annotations

import hmac

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from agent_workspace.config import get_settings
from agent_workspace.ops import metrics


async def serve_metrics(request: Request) -> Response:
    token = get_settings().metrics_token
    if not token:
        return PlainTextResponse("Metrics are off: set AW_METRICS_TOKEN.", status_code=404)
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.encode(), token.encode()):
        return PlainTextResponse(
            "A bearer token (AW_METRICS_TOKEN) is needed.",
            status_code=401,
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    body = await run_in_threadpool(metrics.render)
    return Response(body, media_type=metrics.CONTENT_TYPE, headers={"Cache-Control": "no-store"})


routes = [Route("/metrics", serve_metrics, methods=["GET"])]
