"""What the simulator does in the background: status progression, media fetch, signed webhooks.

Media fetch follows Twilio: each MediaUrl is fetched without auth before the message is sent.
A network error or non-2xx answer fails the message with 11200, a Content-Type Twilio does not
accept with 12300, more than 5 MB in all with 30019.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

import httpx

from agent_workspace.sms.signature import SIGNATURE_HEADER, compute_signature
from agent_workspace.sms.simulator.magic import MAGIC_NUMBERS
from agent_workspace.sms.simulator.render import API_VERSION
from agent_workspace.sms.simulator.store import SimMedia, SimMessage, new_sid

if TYPE_CHECKING:
    from agent_workspace.sms.simulator.core import Simulator

logger = logging.getLogger(__name__)

MAX_MEDIA_BYTES = 5 * 1024 * 1024
ACCEPTED_MEDIA_TYPES = frozenset(
    {
        "image/jpeg",
        "image/jpg",
        "image/png",
        "image/gif",
        "image/bmp",
        "image/tiff",
        "image/heic",
        "image/heif",
        "image/webp",
        "text/vcard",
        "text/x-vcard",
        "text/calendar",
        "text/plain",
        "text/csv",
        "text/rtf",
        "application/pdf",
        "application/vcard",
    }
)
ACCEPTED_MEDIA_PREFIXES = ("audio/", "video/")


def media_type_accepted(content_type: str) -> bool:
    ctype = content_type.split(";")[0].strip().lower()
    return ctype in ACCEPTED_MEDIA_TYPES or ctype.startswith(ACCEPTED_MEDIA_PREFIXES)


async def progress_outbound(sim: Simulator, sid: str) -> None:
    """(accepted → queued →) sending → (media fetch) → sent → delivered, or the failure a magic
    To asks for. An accepted message's first callback (queued) names the sender the Messaging
    Service picked; Twilio sends none for the first status itself."""
    first, second, third = sim.config.status_delays
    message = sim.store.get(sid)
    if message is not None and message.status == "accepted":
        await asyncio.sleep(first)
        if not await _advance(sim, sid, "queued"):
            return
    await asyncio.sleep(first)
    if not await _advance(sim, sid, "sending"):
        return
    message = sim.store.get(sid)
    if message is None:
        return
    if message.media_urls:
        code = await fetch_outbound_media(sim, message)
        if code is not None:
            await _advance(sim, sid, "failed", code)
            return
    magic = MAGIC_NUMBERS.get(message.to)
    if magic is not None and magic.once and _sent_before(sim, message):
        magic = None  # the phone is back on: a Retry gets through
    await asyncio.sleep(second)
    if magic is not None and magic.final_status == "failed":
        await _advance(sim, sid, "failed", magic.code)
        return
    if not await _advance(sim, sid, "sent"):
        return
    await asyncio.sleep(third)
    if magic is not None and magic.final_status == "undelivered":
        await _advance(sim, sid, "undelivered", magic.code)
    else:
        await _advance(sim, sid, "delivered")


def _sent_before(sim: Simulator, message: SimMessage) -> bool:
    """Whether an earlier message went to the same number (created before this one)."""
    return bool(
        sim.store.messages(
            lambda m: (
                m.to == message.to
                and m.sid != message.sid
                and m.direction == message.direction
                and (m.date_created, m.sid) < (message.date_created, message.sid)
            )
        )
    )


async def _advance(sim: Simulator, sid: str, status: str, error_code: int | None = None) -> bool:
    message = sim.store.set_status(sid, status, error_code)
    if message is None:
        return False
    await post_status_callback(sim, message, status, error_code)
    return True


async def fetch_outbound_media(sim: Simulator, message: SimMessage) -> int | None:
    """Fetch every MediaUrl like Twilio (no auth); the async error code, or None when all fine."""
    fetched: list[SimMedia] = []
    total = 0
    client = sim.http()
    for url in message.media_urls:
        try:
            response = await client.get(
                url, timeout=sim.config.media_fetch_timeout, follow_redirects=True
            )
        except httpx.HTTPError as exc:
            logger.info("media fetch %s failed: %r", url, exc)
            return 11200
        if not response.is_success:
            return 11200
        content_type = response.headers.get("content-type", "")
        if not media_type_accepted(content_type):
            return 12300
        total += len(response.content)
        if total > MAX_MEDIA_BYTES:
            return 30019
        ctype = content_type.split(";")[0].strip().lower()
        fetched.append(SimMedia(new_sid("ME"), ctype, response.content, source_url=url))
    sim.store.update(message.sid, lambda m: m.media.extend(fetched))
    return None


async def post_status_callback(
    sim: Simulator, message: SimMessage, status: str, error_code: int | None
) -> None:
    """POST Twilio's status callback form, signed, to the message's StatusCallback (if any)."""
    url = message.status_callback
    if not url:
        return
    params = {
        "AccountSid": message.account_sid,
        "ApiVersion": API_VERSION,
        "From": message.from_,
        "MessageSid": message.sid,
        "MessageStatus": status,
        "SmsSid": message.sid,
        "SmsStatus": status,
        "To": message.to,
    }
    if message.messaging_service_sid:
        params["MessagingServiceSid"] = message.messaging_service_sid
    if error_code is not None and status in ("failed", "undelivered"):
        params["ErrorCode"] = str(error_code)
    ok, result = await _post_signed(sim, url, params)
    record: dict[str, Any] = {"status": status, "ok": ok, "result": result}
    sim.store.update(message.sid, lambda m: m.callbacks.append(record))


async def post_inbound_webhook(sim: Simulator, message: SimMessage, *, opt_out: str | None) -> None:
    """POST an inbound text to the configured webhook and record the outcome on the message."""
    url = sim.config.inbound_webhook_url
    if not url:
        ok, result = False, "No inbound webhook URL is configured in the simulator."
    else:
        ok, result = await _post_signed(sim, url, sim.inbound_params(message, opt_out))

    def record(m: SimMessage) -> None:
        m.webhook_ok, m.webhook_result = ok, result

    sim.store.update(message.sid, record)


async def _post_signed(sim: Simulator, url: str, params: dict[str, str]) -> tuple[bool, str]:
    """POST a form with X-Twilio-Signature; (ok, short result). Failures are logged, not raised."""
    headers = {
        SIGNATURE_HEADER: compute_signature(sim.config.auth_token, url, params),
        "User-Agent": "TwilioProxy/1.1 (agent-workspace simulator)",
    }
    try:
        response = await sim.http().post(
            url, data=params, headers=headers, timeout=sim.config.webhook_timeout
        )
    except httpx.HTTPError as exc:
        logger.warning("webhook POST %s failed: %r", url, exc)
        return False, f"Could not reach {url}: {type(exc).__name__}"
    if response.is_success:
        return True, f"HTTP {response.status_code}"
    logger.warning("webhook POST %s answered HTTP %s", url, response.status_code)
    return False, f"{url} answered HTTP {response.status_code}"
