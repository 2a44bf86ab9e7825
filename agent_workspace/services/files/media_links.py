"""Unguessable, expiring HMAC-signed links to stored attachments (Twilio fetches MMS media
without credentials, and the browser shows images through the same route)."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import quote

from agent_workspace.config import get_settings

MEDIA_PATH = "/api/media"


def _signature(attachment_id: int, expires: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"{attachment_id}:{expires}".encode(), hashlib.sha256).hexdigest()


def media_path(attachment_id: int, filename: str, *, ttl: int | None = None) -> str:
    """A path (no host) valid for `ttl` seconds (default from settings)."""
    expires = int(time.time()) + (get_settings().media_url_ttl_seconds if ttl is None else ttl)
    signature = _signature(attachment_id, expires)
    name = quote(filename, safe="")
    return f"{MEDIA_PATH}/{attachment_id}/{name}?exp={expires}&sig={signature}"


def media_url(attachment_id: int, filename: str, *, ttl: int | None = None) -> str:
    return get_settings().public_base_url.rstrip("/") + media_path(attachment_id, filename, ttl=ttl)


def verify(attachment_id: int, expires: str, signature: str) -> bool:
    """True only for an unexpired link that this deployment signed."""
    try:
        expires_at = int(expires)
    except ValueError:
        return False
    if expires_at < time.time():
        return False
    return hmac.compare_digest(_signature(attachment_id, expires_at), signature)
