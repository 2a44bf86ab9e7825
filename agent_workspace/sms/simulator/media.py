"""Media items of the simulator, served the way Twilio serves them.

Twilio's media URL (`.../Messages/{MM}/Media/{ME}`) needs Basic auth and answers with a
redirect to a short-lived URL on its media CDN that needs none (valid four hours; Twilio's help
centre, "Prevent Unauthorized Access to Your Media with HTTP Basic Auth"). The simulator does
the same on its own address: `/media/{ME}?Expires=...&Signature=...`, an HMAC of the media SID
and expiry under the account's auth token, so only the redirect hands such a URL out.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from agent_workspace.sms.simulator.api import PREFIX, _auth_error, _not_found, _sim
from agent_workspace.sms.simulator.core import Simulator
from agent_workspace.sms.simulator.render import media_json

CDN_TTL_SECONDS = 4 * 3600


def _signature(sim: Simulator, media_sid: str, expires: int) -> str:
    key = sim.config.auth_token.encode()
    return hmac.new(key, f"{media_sid}:{expires}".encode(), hashlib.sha256).hexdigest()


def cdn_url(sim: Simulator, media_sid: str, *, now: float | None = None) -> str:
    """The short-lived, unauthenticated URL of one media item's bytes."""
    expires = int(now if now is not None else time.time()) + CDN_TTL_SECONDS
    query = urlencode({"Expires": expires, "Signature": _signature(sim, media_sid, expires)})
    return f"{sim.config.public_base_url.rstrip('/')}/media/{media_sid}?{query}"


async def media_content(request: Request) -> Response:
    """Media metadata (`ME….json`), or a redirect to its bytes, with Twilio's optional first 404."""
    if (denied := _auth_error(request)) is not None:
        return denied
    sim = _sim(request)
    media_sid = request.path_params["media_sid"]
    as_json = media_sid.endswith(".json")
    found = sim.store.find_media(media_sid.removesuffix(".json"))
    if found is None or found[0].sid != request.path_params["message_sid"]:
        return _not_found()
    message, media = found
    if as_json:
        return JSONResponse(media_json(message, media))
    if sim.store.count_media_fetch(media.sid) == 0 and sim.config.media_first_fetch_404:
        return _not_found()
    return RedirectResponse(cdn_url(sim, media.sid), status_code=302)


async def cdn_content(request: Request) -> Response:
    """The bytes behind a redirect, for whoever holds an unexpired, untampered URL."""
    sim = _sim(request)
    media_sid = request.path_params["media_sid"]
    expires = request.query_params.get("Expires", "")
    given = request.query_params.get("Signature", "")
    valid = (
        expires.isdigit()
        and int(expires) >= time.time()
        and hmac.compare_digest(_signature(sim, media_sid, int(expires)), given)
    )
    if not valid:
        return PlainTextResponse("Request has expired or the signature does not match", 403)
    found = sim.store.find_media(media_sid)
    if found is None:
        return PlainTextResponse("Not found", 404)
    return Response(found[1].data, media_type=found[1].content_type)


routes = [
    Route(f"{PREFIX}/Messages/{{message_sid}}/Media/{{media_sid}}", media_content, methods=["GET"]),
    Route("/media/{media_sid}", cdn_content, methods=["GET"]),
]
