"""IP addresses as the network reads them, not as they are spelt.

A host in a URL reaches the same machine under many spellings: resolvers and browsers read
`127.1`, `2130706433`, `0x7f.1` and `0177.0.0.1` as 127.0.0.1 (the inet_aton forms, which the
URL standard keeps), `[::ffff:7f00:1]` is 127.0.0.1 mapped into IPv6, and `%31%32%37.0.0.1`
is decoded first. So a check on a host parses it the way they do, then asks `ipaddress`.
A client's address is keyed the same way for sign-in throttling, where one IPv6 /64 (what one
subscriber is given) counts as one client.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import unquote

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_DECIMAL = re.compile(r"[0-9]+")
_OCTAL = re.compile(r"[0-7]*")
_HEX = re.compile(r"[0-9a-f]*")
_NUMERIC_LABEL = re.compile(r"(?:0x[0-9a-f]*|[0-9]+)")
# 0.0.0.0/8 means "this host" to the kernel: connecting to 0.0.0.0 reaches a local listener.
_THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")
UNKNOWN_CLIENT = "unknown"


def normalise_host(host: str) -> str:
    """A URL's host as resolvers see it: percent-decoded, NFKC-folded (full-width digits),
    lower case, without the root's trailing dot."""
    return unicodedata.normalize("NFKC", unquote(host)).lower().rstrip(".")


def host_address(host: str) -> IPAddress | None:
    """The IP address a literal host names, in any spelling; None for a host name.

    IPv4-mapped and IPv4-compatible IPv6 addresses come back as the IPv4 address they carry.

    Raises:
        ValueError: The host ends in a number yet is no IPv4 address (`1.2.3.4.5`, `127.0.0.08`);
            the URL standard refuses such hosts instead of looking them up as names.
    """
    name = normalise_host(host).strip("[]")
    if ":" in name:
        try:
            return _as_ipv4_if_embedded(ipaddress.IPv6Address(name))
        except ValueError:
            raise ValueError(f"{host!r} is not an IPv6 address.") from None
    if not _NUMERIC_LABEL.fullmatch(name.rsplit(".", 1)[-1]):
        return None
    found = _ipv4(name)
    if found is None:
        raise ValueError(f"{host!r} ends in a number but is not an IPv4 address.")
    return found


def is_local_host(host: str) -> bool:
    """Whether the host is this machine in any spelling: localhost (and *.localhost), a
    loopback address, or an unspecified one (0.0.0.0, ::), which connects locally too.

    Raises:
        ValueError: As `host_address` does.
    """
    name = normalise_host(host)
    if name == "localhost" or name.endswith(".localhost"):
        return True
    address = host_address(name)
    if address is None:
        return False
    if isinstance(address, ipaddress.IPv4Address) and address in _THIS_NETWORK:
        return True
    return address.is_loopback or address.is_unspecified


def client_key(raw: str) -> str:
    """What sign-in throttling counts a client by: its IPv4 address, or its IPv6 /64.

    The address comes from the connection (or a trusted proxy's X-Forwarded-For): it is read
    strictly, and anything unreadable shares one key rather than getting a fresh one per spelling.
    """
    try:
        address = _as_ipv4_if_embedded(ipaddress.ip_address(raw.strip().split("%", 1)[0]))
    except ValueError:
        return UNKNOWN_CLIENT
    if isinstance(address, ipaddress.IPv4Address):
        return str(address)
    return str(ipaddress.IPv6Network((address, 64), strict=False))


def _as_ipv4_if_embedded(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if int(address) >> 32 == 0 and int(address) > 1:  # ::a.b.c.d, the deprecated compatible form
        return ipaddress.IPv4Address(int(address))
    return address


def _ipv4(name: str) -> ipaddress.IPv4Address | None:
    """The URL standard's IPv4 parser: 1 to 4 parts, each decimal, 0x-hex or 0-octal; the last
    part fills the bytes that are left (so `127.1` is 127.0.0.1)."""
    parts = name.split(".")
    if not 1 <= len(parts) <= 4:
        return None
    numbers = [_ipv4_number(part) for part in parts]
    if any(n is None for n in numbers):
        return None
    values = [n for n in numbers if n is not None]
    *leading, last = values
    if any(n > 255 for n in leading) or last >= 256 ** (5 - len(values)):
        return None
    total = last + sum(n * 256 ** (3 - i) for i, n in enumerate(leading))
    return ipaddress.IPv4Address(total)


def _ipv4_number(part: str) -> int | None:
    if part.startswith("0x"):
        digits = part[2:]
        return int(digits or "0", 16) if _HEX.fullmatch(digits) else None
    if len(part) > 1 and part.startswith("0"):
        digits = part[1:]
        return int(digits, 8) if _OCTAL.fullmatch(digits) else None
    return int(part) if _DECIMAL.fullmatch(part) else None
