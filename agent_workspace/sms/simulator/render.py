"""Twilio-shaped JSON bodies for the simulator's 2010-04-01 API."""

from __future__ import annotations

from datetime import datetime
from email.utils import format_datetime
from typing import Any

from starlette.responses import JSONResponse

from agent_workspace.sms.simulator.store import SimMedia, SimMessage

API_VERSION = "2010-04-01"
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def rfc2822(value: datetime | None) -> str | None:
    """Twilio's date format: 'Wed, 18 Aug 2010 20:01:40 +0000'."""
    return format_datetime(value) if value is not None else None


def num_segments(body: str) -> int:
    """SMS segments: 160/153 GSM-7 characters, or 70/67 UCS-2 characters."""
    single, multi = (160, 153) if set(body) <= GSM7 else (70, 67)
    if len(body) <= single:
        return 1
    return -(-len(body) // multi)


def message_uri(account_sid: str, sid: str) -> str:
    return f"/{API_VERSION}/Accounts/{account_sid}/Messages/{sid}"


def message_json(message: SimMessage) -> dict[str, Any]:
    uri = message_uri(message.account_sid, message.sid)
    picking = message.status == "accepted"
    return {
        "account_sid": message.account_sid,
        "api_version": API_VERSION,
        "body": message.body,
        "date_created": rfc2822(message.date_created),
        "date_sent": rfc2822(message.date_sent),
        "date_updated": rfc2822(message.date_updated),
        "direction": message.direction,
        "error_code": message.error_code,
        "error_message": message.error_message,
        # Twilio answers null until it picks a sender for a MessagingServiceSid-only create
        # ("accepted"), and counts no segments until then.
        "from": None if picking else message.from_ or None,
        "messaging_service_sid": message.messaging_service_sid,
        "num_media": str(len(message.media) or len(message.media_urls)),
        "num_segments": "0" if picking else str(num_segments(message.body)),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": message.status,
        "subresource_uris": {"media": f"{uri}/Media.json"},
        "to": message.to,
        "uri": f"{uri}.json",
    }


def media_json(message: SimMessage, media: SimMedia) -> dict[str, Any]:
    return {
        "account_sid": message.account_sid,
        "content_type": media.content_type,
        "date_created": rfc2822(media.date_created),
        "date_updated": rfc2822(media.date_created),
        "parent_sid": message.sid,
        "sid": media.sid,
        "uri": f"{message_uri(message.account_sid, message.sid)}/Media/{media.sid}.json",
    }


def error_response(
    code: int, http_status: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    """Twilio's error body: {"code", "message", "more_info", "status"}."""
    body = {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": http_status,
    }
    return JSONResponse(body, status_code=http_status, headers=headers)


def page_json(
    key: str,
    items: list[dict[str, Any]],
    *,
    path: str,
    query: str,
    page: int,
    page_size: int,
    token: str | None = None,
    next_token: str | None = None,
) -> dict[str, Any]:
    """A Twilio list page (`page`, `page_size`, `next_page_uri`, ... and the items under `key`).

    Twilio pages by `PageToken`; `Page` is only carried along for the client. Going back is not
    simulated (`previous_page_uri` is always null).
    """

    def uri(number: int, page_token: str | None) -> str:
        extra = f"{query}&" if query else ""
        tail = f"&PageToken={page_token}" if page_token else ""
        return f"{path}?{extra}PageSize={page_size}&Page={number}{tail}"

    start = page * page_size
    return {
        key: items,
        "end": start + max(len(items) - 1, 0),
        "first_page_uri": uri(0, None),
        "next_page_uri": uri(page + 1, next_token) if next_token else None,
        "page": page,
        "page_size": page_size,
        "previous_page_uri": None,
        "start": start,
        "uri": uri(page, token),
    }
