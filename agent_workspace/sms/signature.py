"""Twilio webhook signatures (`X-Twilio-Signature`), computed and checked by the official SDK.

The signature is base64(HMAC-SHA1(auth_token, url + each sorted key + value)) over all posted
parameters. `url` must be the public URL the provider called (configured base URL + path + raw
query), never the internal address the request arrived on.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from starlette.datastructures import ImmutableMultiDict
from twilio.request_validator import RequestValidator

SIGNATURE_HEADER = "X-Twilio-Signature"

Params = (
    Mapping[str, str | Sequence[str]] | ImmutableMultiDict[str, Any] | Sequence[tuple[str, str]]
)


class _MultiParams:
    """Parameters with repeated keys, in the `getall` shape RequestValidator understands.

    RequestValidator reads plain dict values as one string each (a list value would break it) and
    reads repeated keys through `getall` (MultiDict) or `getlist` (Django/Starlette).
    """

    def __init__(self, params: Params) -> None:
        self._values: dict[str, list[str]] = {}
        multi_items = getattr(params, "multi_items", None)
        if callable(multi_items):  # Starlette FormData / QueryParams
            pairs: list[tuple[str, object]] = list(multi_items())
        elif isinstance(params, Mapping):
            pairs = [
                (key, item)
                for key, value in params.items()
                for item in ([value] if isinstance(value, str) else value)
            ]
        else:  # (key, value) pairs as posted
            pairs = list(params)
        for key, value in pairs:
            self._values.setdefault(key, []).append(str(value))

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def getall(self, key: str) -> list[str]:
        return self._values[key]


def compute_signature(auth_token: str, url: str, params: Params) -> str:
    """Compute the `X-Twilio-Signature` Twilio would send for a form POST.

    Args:
        auth_token: The account auth token.
        url: The exact URL the request is posted to, query string included.
        params: All form parameters: a dict (a sequence value stands for a repeated key such as
            MediaUrl), Starlette `FormData`, or a list of (key, value) pairs.

    Returns:
        The base64 signature.
    """
    return str(RequestValidator(auth_token).compute_signature(url, _MultiParams(params)))


def validate_signature(auth_token: str, url: str, params: Params, signature: str | None) -> bool:
    """Check a webhook's `X-Twilio-Signature` against all its posted parameters.

    Args:
        auth_token: The account auth token.
        url: The public URL the provider called (configured base URL + path + raw query).
        params: Every posted parameter: a dict (a sequence value for a repeated key), Starlette
            `FormData` as received, or a list of (key, value) pairs.
        signature: The header value; None or empty never validates.

    Returns:
        True when the signature matches (with or without an explicit default port).
    """
    if not signature:
        return False
    return bool(RequestValidator(auth_token).validate(url, _MultiParams(params), signature))
