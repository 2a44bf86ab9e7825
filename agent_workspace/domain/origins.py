"""Origins (scheme, host, port): the unit in which the provider's media hosts are allowed.

A host name alone is not enough to trust a URL: http:// on the same host can be read and
changed on the way, and another port is another service. So an allow-list holds origins,
and a bare host name in configuration means https on 443, the only way real providers serve.
"""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)*{_LABEL}")


@dataclass(frozen=True, order=True)
class Origin:
    scheme: str
    host: str
    port: int

    def __str__(self) -> str:
        default = _DEFAULT_PORTS.get(self.scheme) == self.port
        return f"{self.scheme}://{self.host}" + ("" if default else f":{self.port}")


def origin_of(url: str) -> Origin | None:
    """The origin of an absolute http(s) URL, or None for anything else (or a malformed one)."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return Origin(scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme])


def parse_origin(text: str) -> Origin:
    """An origin from configuration: "mms.twiliocdn.com" or "http://127.0.0.1:8765".

    Raises:
        ValueError: Naming the entry and what is wrong with it.
    """
    entry = text.strip()
    spelt = entry if "://" in entry else f"https://{entry}"
    try:
        parts = urlsplit(spelt)
        _ = parts.port  # raises for a port that is not a number in range
    except ValueError:
        raise ValueError(f"{entry!r} has a port that is not a number from 1 to 65535.") from None
    if parts.scheme.lower() not in _DEFAULT_PORTS:
        raise ValueError(f"{entry!r} must use http or https.")
    if parts.path or parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"{entry!r} must be only a host (and port), like mms.twiliocdn.com.")
    host = (parts.hostname or "").lower()
    if not _HOST.fullmatch(host):
        raise ValueError(f"{entry!r} is not a host name.")
    origin = origin_of(spelt)
    assert origin is not None
    return origin


def parse_origins(csv: str) -> frozenset[Origin]:
    """Every origin of a comma-separated list (empty entries are ignored)."""
    return frozenset(parse_origin(entry) for entry in csv.split(",") if entry.strip())
