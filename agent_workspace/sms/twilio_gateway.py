"""`SmsGateway` on the official `twilio` SDK, pointed at Twilio or any compatible endpoint.

The SDK hard-codes https://api.twilio.com; its transport (`PooledHttpClient`, below) sends every
request (after the SDK's own edge/region rewriting) to `api_base_url`, so the same code talks to
the built-in simulator. No request is ever retried here: the app's outbox decides.

The transport is one kept-alive urllib3 pool to the API's origin. The SDK's own
`TwilioHttpClient` goes through `requests`, which re-reads the proxy settings of the environment
and rebuilds a prepared request on every call: about 1 ms of CPU per create on this machine,
where urllib3 (which `requests` itself sends with) needs 0.45 ms. The outbox's drain rate is
CPU, so the SDK speaks urllib3 directly. What `requests` gave is kept: proxies from the
environment (read once, at construction), its CA bundle, no transport retries, no redirects
unless asked.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import threading
import time
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode, urlsplit

import certifi
import urllib3
from twilio.base import values
from twilio.base.exceptions import (
    TwilioException,
    TwilioRestException,
    TwilioServiceException,
)
from twilio.http import HttpClient
from twilio.http.response import Response
from twilio.rest import Client
from urllib3.exceptions import ConnectTimeoutError, HTTPError, MaxRetryError, ProxyError
from urllib3.util import make_headers

from agent_workspace.domain.provider import looked_far_enough
from agent_workspace.sms.errors import classify
from agent_workspace.sms.gateway import (
    FetchedMedia,
    OutboundSms,
    ProviderMessage,
    RetryableSmsError,
    SmsError,
    UncertainSmsError,
    UndecidedLookupError,
)
from agent_workspace.sms.media_fetch import TWILIO_MEDIA_HOSTS, MediaFetcher

logger = logging.getLogger(__name__)
T = TypeVar("T")

# A non-empty environment keeps TWILIO_EDGE / TWILIO_REGION of the shell out of the client.
_ISOLATED_ENVIRONMENT = {"AGENT_WORKSPACE_TWILIO_ENV": "isolated"}
#: Below this many seconds a call is not worth starting.
MIN_CALL_SECONDS = 0.05


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date), if usable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class TwilioGateway:
    """The Twilio adapter of `SmsGateway`.

    Args:
        account_sid: Account SID (AC...), also the Basic-auth user.
        auth_token: Auth token.
        api_base_url: Where "https://api.twilio.com" requests really go (the simulator's URL).
        timeout: Seconds per HTTP request (connect and read).
        media_fetch_attempts: How often `fetch_media` tries while the media answers 404.
        media_retry_delay: First pause between those tries; doubles each time.
        media_hosts: Where the API may redirect media downloads (see `MediaFetcher`).
        list_page_size: Messages per page when `list_messages` reads the provider's list.
        list_max_pages: Pages `list_messages` reads before it gives up rather than guess.
        pool_size: Kept-alive connections to the API: how many threads may call at once
            without opening a new connection each time.
    """

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        api_base_url: str = "https://api.twilio.com",
        timeout: float = 10.0,
        *,
        media_fetch_attempts: int = 5,
        media_retry_delay: float = 0.25,
        media_hosts: Iterable[str] = TWILIO_MEDIA_HOSTS,
        list_page_size: int = 100,
        list_max_pages: int = 20,
        pool_size: int = 10,
    ) -> None:
        self._account_sid = account_sid
        self._auth_token = auth_token
        self._api_base_url = api_base_url.rstrip("/")
        self._timeout = timeout
        self._media = MediaFetcher(
            account_sid=account_sid,
            auth_token=auth_token,
            api_base_url=self._api_base_url,
            media_hosts=media_hosts,
            timeout=timeout,
            attempts=media_fetch_attempts,
            retry_delay=media_retry_delay,
        )
        self._list_page_size = min(1000, max(1, list_page_size))
        self._list_max_pages = max(1, list_max_pages)
        self._http = PooledHttpClient(self._api_base_url, timeout, pool_size)
        self._client = Client(
            account_sid,
            auth_token,
            http_client=self._http,
            environment=dict(_ISOLATED_ENVIRONMENT),
        )
        # The SDK imports the Messages API on first use (~50 ms here): at start-up, not in
        # the first send after a restart.
        self._messages = self._client.messages

    def send(self, msg: OutboundSms, *, timeout: float | None = None) -> ProviderMessage:
        """Create the message at the provider (one request, never retried, within `timeout`)."""
        if timeout is not None and timeout <= MIN_CALL_SECONDS:
            raise RetryableSmsError("No time was left to hand the message to the provider.")
        try:
            with self._http.capped(timeout):
                created = self._messages.create(
                    to=msg.to,
                    # With a Messaging Service, Twilio picks the sender from its pool.
                    from_=values.unset if msg.messaging_service_sid else msg.from_,
                    messaging_service_sid=msg.messaging_service_sid or values.unset,
                    body=msg.body if msg.body else values.unset,
                    media_url=list(msg.media_urls) if msg.media_urls else values.unset,
                    status_callback=msg.status_callback or values.unset,
                )
        except Exception as exc:
            if (error := self._translate(exc)) is None:
                raise
            raise error from exc
        return _provider_message(created)

    def list_messages(
        self, *, to: str, from_: str | None, created_after: datetime, timeout: float | None = None
    ) -> list[ProviderMessage]:
        """Every message from `from_` to `to` that may be as recent as `created_after`.

        No DateSent filter: a queued message has no DateSent and would never match. The list is
        read newest first, page by page (`next_page_uri`), until a message sent before
        `created_after` shows that the rest is older (`looked_far_enough`).
        """
        if created_after.tzinfo is None:
            raise ValueError("created_after must be timezone-aware")
        cutoff = created_after.astimezone(UTC)
        deadline = None if timeout is None else time.monotonic() + timeout
        found: list[ProviderMessage] = []
        with self._reading():
            page = self._within(
                deadline,
                lambda: self._messages.page(
                    to=to, from_=from_ or values.unset, page_size=self._list_page_size
                ),
            )
            for number in itertools.count(1):
                for record in page:
                    message = _provider_message(record)
                    if looked_far_enough(message, cutoff=cutoff):
                        return found
                    found.append(message)
                if page.next_page_url is None:
                    return found
                if number >= self._list_max_pages:
                    raise UndecidedLookupError(
                        f"Not confirmed: there were more than {number * self._list_page_size:,}"
                        " recent messages between these numbers, too many to look for this one"
                        " among them. It may have reached the consumer: check with them before"
                        " sending it again."
                    )
                page = self._within(deadline, page.next_page)
        raise AssertionError("unreachable")

    def fetch_message(self, sid: str, *, timeout: float | None = None) -> ProviderMessage:
        """One message as the provider has it now (a read: safe to repeat)."""
        with self._reading():
            record = self._within(
                None if timeout is None else time.monotonic() + timeout,
                lambda: self._messages(sid).fetch(),
            )
        return _provider_message(record)

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        """SDK and transport errors of a read as `SmsError`s; one that may not have been
        answered is retryable (a read is safe to repeat)."""
        try:
            yield
        except SmsError:
            raise
        except Exception as exc:
            error = self._translate(exc)
            if error is None:
                raise
            if isinstance(error, UncertainSmsError):
                error = RetryableSmsError(
                    error.message, code=error.code, http_status=error.http_status
                )
            raise error from exc

    def _within(self, deadline: float | None, request: Callable[[], T]) -> T:
        """One SDK request, capped to what is left until `deadline` (monotonic seconds)."""
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= MIN_CALL_SECONDS:
            raise RetryableSmsError("The provider's list took too long to read; retry later.")
        with self._http.capped(left):
            return request()

    def fetch_media(self, url: str) -> FetchedMedia:
        """Download an inbound MMS attachment from the provider's media hosts only."""
        return self._media.fetch(url)

    def _translate(self, exc: Exception) -> SmsError | None:
        """The right `SmsError` for an SDK or transport exception; None for anything else."""
        if isinstance(exc, TwilioRestException | TwilioServiceException):
            detail = str(getattr(exc, "msg", "") or getattr(exc, "detail", ""))
            return self._from_status(int(exc.status), _int_or_none(exc.code), detail)
        if isinstance(exc, TwilioException) and len(exc.args) > 1:
            response = exc.args[1]
            if isinstance(response, Response):
                return self._from_status(response.status_code, _error_code(response), "")
        if isinstance(exc, MaxRetryError) and exc.reason is not None:
            exc = exc.reason
        if _never_connected(exc):
            return RetryableSmsError("The SMS provider cannot be reached; retry later.")
        if isinstance(exc, HTTPError):
            return UncertainSmsError(
                "The SMS provider did not confirm the message; it may have been sent."
            )
        return None

    def _from_status(self, http_status: int, code: int | None, detail: str) -> SmsError:
        if code == http_status:  # the SDK puts the HTTP status in `code` when the body had none
            code = None
        error_class = classify(http_status, code)
        kwargs: dict[str, Any] = {"code": code, "http_status": http_status}
        if issubclass(error_class, RetryableSmsError):
            kwargs["retry_after"] = parse_retry_after(self._http.last_headers().get("Retry-After"))
        if error_class is UncertainSmsError and code is None:
            message = "The SMS provider failed while taking the message; it may have been sent."
            return error_class(message, **kwargs)
        logger.debug("provider error %s %s: %s", http_status, code, detail)
        return error_class("", **kwargs)


def _never_connected(exc: Exception) -> bool:
    """True when no byte of the request can have left: the connection (to the provider or
    its proxy) was refused or timed out, or the name did not resolve."""
    if isinstance(exc, ProxyError):
        return isinstance(exc.original_error, ConnectTimeoutError)
    return isinstance(exc, ConnectTimeoutError)  # NewConnectionError, NameResolutionError too


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload, no-any-return]
    except (TypeError, ValueError):
        return None


def _error_code(response: Response) -> int | None:
    try:
        return _int_or_none(json.loads(response.text).get("code"))
    except (ValueError, AttributeError):
        return None


def _utc(value: object) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _provider_message(instance: Any) -> ProviderMessage:
    return ProviderMessage(
        sid=str(instance.sid),
        status=str(instance.status),
        to=str(instance.to),
        from_=str(instance.from_ or ""),  # null until a Messaging Service picks the sender
        body=instance.body or "",
        date_created=_utc(instance.date_created),
        error_code=_int_or_none(instance.error_code),
        direction=str(instance.direction or ""),
        num_media=_int_or_none(instance.num_media) or 0,
        date_sent=_utc(instance.date_sent),
        messaging_service_sid=instance.messaging_service_sid or None,
    )


# The SDK's transport.

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
        super().__init__(logger, is_async=False, timeout=timeout)
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
