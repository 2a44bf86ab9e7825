"""The twilio SDK's HTTP transport: one kept-alive urllib3 pool to the API's origin.

The SDK's own `TwilioHttpClient` goes through `requests`, which re-reads the proxy settings of
the environment and rebuilds a prepared request on every call: about 1 ms of CPU per create on
this machine, where urllib3 (which `requests` itself sends with) needs 0.45 ms. The outbox's
drain rate is CPU, so the SDK speaks urllib3 directly. What `requests` gave is kept: proxies
from the environment (read once, at construction), its CA bundle, no transport retries, no
redirects unless asked.

Every request goes to `base_url` whatever host the SDK named (the SDK hard-codes
https://api.twilio.com), so the same code talks to the built-in simulator.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode, urlsplit

import certifi
import urllib3
from twilio.http import HttpClient
from twilio.http.response import Response
from urllib3.util import make_headers

#: Share of a capped call's time given to the connect (the rest waits for the answer).
CONNECT_SHARE = 0.3
#: Redirects followed when the SDK asks for them (it never does for messages).
MAX_REDIRECTS = 3
_JSON_TYPES = frozenset({"application/json", "application/scim+json"})


class PooledHttpClient(HttpClient):  # type: ignore[misc]
    """Twilio `HttpClient` on one urllib3 pool to `base_url`.

    Args:
        base_url: Where every request goes (scheme and host; the SDK's path and query kept).
        timeout: Seconds for the connect and, again, for the answer (as `requests` counts).
        pool_size: Kept-alive connections: how many threads may call at once without opening
            a new connection each time.
    """

    def __init__(self, base_url: str, timeout: float, pool_size: int = 10) -> None:
        super().__init__(logging.getLogger(__name__), is_async=False, timeout=timeout)
        self._local = threading.local()
        parts = urlsplit(base_url)
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._manager = _manager_for(base_url, pool_size)
        self._auth: dict[tuple[str, str], str] = {}

    def request(
        self,
        method: str,
        url: str,
        params: Mapping[str, object] | None = None,
        data: Mapping[str, object] | None = None,
        headers: Mapping[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,
        allow_redirects: bool = False,
    ) -> Response:
        """One request, never retried. Transport errors are urllib3's exceptions, raw, or
        wrapped in `MaxRetryError` while redirects are followed."""
        self._local.headers = {}
        parts = urlsplit(url)
        target = self._origin + (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        if params:
            target += ("&" if parts.query else "?") + urlencode(_pairs(params), doseq=True)
        sent_headers = dict(headers or {})
        if auth is not None:
            sent_headers["Authorization"] = self._basic(auth)
        body = _body(data, sent_headers.get("Content-Type"))
        response = self._manager.urlopen(
            method.upper(),
            target,
            body=body,
            headers=sent_headers,
            timeout=self._timeout_for(timeout),
            redirect=allow_redirects,
            retries=_REDIRECTS_ONLY if allow_redirects else False,
        )
        self._local.headers = response.headers
        return Response(response.status, response.data.decode("utf-8", "replace"), response.headers)

    def _basic(self, auth: tuple[str, str]) -> str:
        if (header := self._auth.get(auth)) is None:
            header = make_headers(basic_auth=f"{auth[0]}:{auth[1]}")["authorization"]
            self._auth[auth] = header
        return header

    def _timeout_for(self, timeout: float | None) -> urllib3.Timeout:
        cap = getattr(self._local, "cap", None)
        if cap is not None:
            return urllib3.Timeout(connect=cap[0], read=cap[1])
        seconds = self.timeout if timeout is None else timeout
        return urllib3.Timeout(connect=seconds, read=seconds)

    @contextlib.contextmanager
    def capped(self, seconds: float | None) -> Iterator[None]:
        """Requests of this thread inside the block end within about `seconds` in all.

        The timeout applies to the connect and to each read, so the budget is split between
        them rather than given to each.
        """
        if seconds is None or seconds >= self.timeout:
            yield
            return
        connect = min(seconds * CONNECT_SHARE, self.timeout)
        self._local.cap = (connect, max(seconds - connect, 0.001))
        try:
            yield
        finally:
            self._local.cap = None

    def last_headers(self) -> Mapping[str, str]:
        """Headers of the last response received on this thread (case-insensitive)."""
        headers: Mapping[str, str] = getattr(self._local, "headers", {})
        return headers


_REDIRECTS_ONLY = urllib3.Retry(
    total=None, connect=0, read=0, status=0, other=0, redirect=MAX_REDIRECTS
)


def _manager_for(base_url: str, pool_size: int) -> urllib3.PoolManager:
    """Connections to `base_url`'s origin, through the environment's proxy for it if one is
    set (HTTPS_PROXY / HTTP_PROXY, NO_PROXY), with `requests`' CA bundle."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"Not an http(s) URL: {base_url!r}")
    options: dict[str, Any] = {"maxsize": pool_size, "block": False, "retries": False}
    if parts.scheme == "https":
        options["ca_certs"] = (
            os.environ.get("REQUESTS_CA_BUNDLE")
            or os.environ.get("CURL_CA_BUNDLE")
            or certifi.where()
        )
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname):
        return urllib3.ProxyManager(proxy, **options)
    return urllib3.PoolManager(num_pools=2, **options)


def _pairs(values: Mapping[str, object]) -> list[tuple[str, object]]:
    """Form pairs as `requests` encodes them: a list or tuple repeats its key (MediaUrl)."""
    return [(key, value) for key, value in values.items() if value is not None]


def _body(data: Mapping[str, object] | None, content_type: str | None) -> bytes | None:
    if not data:
        return None
    if content_type in _JSON_TYPES:
        return json.dumps(data).encode()
    return urlencode(_pairs(data), doseq=True).encode()
