"""Downloading inbound MMS media (`MediaUrlN`) from the provider's media hosts only.

A MediaUrl is a media item of our account on the provider's API (Basic auth), which
redirects to a short-lived URL on its media CDN (Twilio: api.twilio.com, then
mms.twiliocdn.com). Everything else is refused before a byte is read: a URL that is not such a
media item, a hop to an origin off the allow-list (https only, unless an origin says
otherwise), more than MAX_REDIRECTS hops or a loop, and a body over Twilio's 5 MB MMS limit
(declared or streamed). Credentials go with the first request only, never to a redirect target.
Redirects are followed here, hop by hop, so that each one is checked before it is requested.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from agent_workspace.domain.origins import origin_of, parse_origin
from agent_workspace.sms.gateway import FetchedMedia, PermanentSmsError, RetryableSmsError

TWILIO_API_HOST = "api.twilio.com"
TWILIO_MEDIA_HOSTS = ("api.twilio.com", "mms.twiliocdn.com")
"""Twilio's API and the CDN it redirects authenticated media requests to (its help centre:
"Prevent Unauthorized Access to Your Media with HTTP Basic Auth")."""
MAX_MEDIA_BYTES = 5 * 1024 * 1024  # Twilio's MMS limit, for all media of a message
MAX_REDIRECTS = 3  # Twilio uses one
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_MEDIA_PATH = r"/2010-04-01/Accounts/{sid}/Messages/(?:MM|SM)[0-9a-fA-F]{{32}}" + (
    r"/Media/ME[0-9a-fA-F]{{32}}"
)


class _NotYet(Exception):
    """The provider answered 404: the media may appear in a moment."""


class MediaFetcher:
    """Fetches one account's inbound media from its API and allowed media hosts.

    Args:
        account_sid: Account SID (AC...), also the Basic-auth user.
        auth_token: Auth token.
        api_base_url: Where "https://api.twilio.com" requests really go (the simulator's URL);
            its origin is always allowed, and the only one that gets credentials.
        media_hosts: Origins redirects may lead to ("mms.twiliocdn.com" means https on 443).
        timeout: Seconds per HTTP request (connect and read).
        attempts: How often to try while the media answers 404.
        retry_delay: First pause between those tries; doubles each time.

    Raises:
        ValueError: The API URL or a media host is not an origin (checked at start-up).
    """

    def __init__(
        self,
        *,
        account_sid: str,
        auth_token: str,
        api_base_url: str,
        media_hosts: Iterable[str] = TWILIO_MEDIA_HOSTS,
        timeout: float = 10.0,
        attempts: int = 5,
        retry_delay: float = 0.25,
        max_bytes: int = MAX_MEDIA_BYTES,
        max_redirects: int = MAX_REDIRECTS,
    ) -> None:
        api_origin = origin_of(api_base_url)
        if api_origin is None:
            raise ValueError(f"{api_base_url!r} is not an http(s) URL")
        self.api_base_url = api_base_url.rstrip("/")
        self.api_origin = api_origin
        self.allowed = frozenset({api_origin, *(parse_origin(h) for h in media_hosts)})
        self._credentials = (account_sid, auth_token)
        self._media_path = re.compile(_MEDIA_PATH.format(sid=re.escape(account_sid)))
        self.timeout, self.attempts, self.retry_delay = timeout, max(1, attempts), retry_delay
        self.max_bytes, self.max_redirects = max_bytes, max_redirects

    def fetch(self, url: str) -> FetchedMedia:
        """The bytes and declared type of one media item.

        Raises:
            PermanentSmsError: Refused (never worth retrying): the reason names the problem.
            RetryableSmsError: Not available now (404 after every attempt, 429, 5xx, network).
        """
        target = self._first_hop(url)
        delay = self.retry_delay
        with httpx.Client(timeout=self.timeout, follow_redirects=False) as client:
            for attempt in range(self.attempts):
                if attempt:
                    time.sleep(delay)
                    delay *= 2
                try:
                    return self._follow(client, target)
                except _NotYet:
                    continue
                except httpx.HTTPError as exc:
                    raise RetryableSmsError(
                        f"Could not download the attachment: {exc.__class__.__name__}."
                    ) from exc
        raise RetryableSmsError(
            "The attachment is not available from the provider yet.", http_status=404
        )

    def _first_hop(self, url: str) -> str:
        """The MediaUrl on the API's real address, if it is a media item of this account."""
        base = urlsplit(self.api_base_url)
        parts = urlsplit(urljoin(self.api_base_url + "/", url.strip()))
        if (parts.hostname or "").lower() == TWILIO_API_HOST:
            parts = parts._replace(scheme=base.scheme, netloc=base.netloc)
        target = urlunsplit(parts)
        if origin_of(target) != self.api_origin or not self._media_path.fullmatch(parts.path):
            raise PermanentSmsError(
                "The attachment link is not a media item of this account at the provider, "
                "so it was not downloaded."
            )
        return target

    def _follow(self, client: httpx.Client, url: str) -> FetchedMedia:
        seen = {url}
        auth: tuple[str, str] | None = self._credentials
        for _ in range(self.max_redirects + 1):
            origin = origin_of(url)
            if origin is None or origin not in self.allowed:
                shown = str(origin) if origin else url[:80]
                raise PermanentSmsError(
                    f"The provider sent the attachment to {shown}, which is not one of the "
                    "provider's media hosts (AW_MEDIA_HOSTS), so it was not downloaded."
                )
            with client.stream("GET", url, auth=auth) as response:
                if response.status_code not in _REDIRECTS:
                    return self._read(response)
                location = response.headers.get("location", "")
            auth = None  # credentials are for the provider's API, never for a redirect target
            url = urljoin(url, location)
            if not location or url in seen:
                raise PermanentSmsError(
                    "The provider's attachment link ends in a redirect loop; it was not downloaded."
                )
            seen.add(url)
        raise PermanentSmsError(
            f"The provider redirected the attachment more than {self.max_redirects} times; "
            "it was not downloaded."
        )

    def _read(self, response: httpx.Response) -> FetchedMedia:
        status = response.status_code
        if status == 404:
            raise _NotYet
        if status == 429 or status >= 500:
            raise RetryableSmsError(
                "The provider could not serve the attachment right now.", http_status=status
            )
        if not response.is_success:
            raise PermanentSmsError(
                f"The provider refused the attachment download (HTTP {status}).",
                http_status=status,
            )
        too_big = PermanentSmsError(
            f"The attachment is larger than {self.max_bytes // (1024 * 1024)} MB "
            "(Twilio's MMS limit), so it was not downloaded."
        )
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise too_big
        data = bytearray()
        for chunk in response.iter_bytes():
            data += chunk
            if len(data) > self.max_bytes:
                raise too_big  # leaving the stream closes the connection: nothing more is read
        content_type = response.headers.get("content-type", "application/octet-stream")
        return FetchedMedia(data=bytes(data), content_type=content_type.split(";")[0].strip())
