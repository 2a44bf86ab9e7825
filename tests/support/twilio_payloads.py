"""Twilio's webhook payloads from tests/fixtures/twilio/, posted the way Twilio posts them.

A fixture is a form body as Twilio sends it. `load` puts the test's account, numbers and sid in
place of the fixture's own values (everywhere, media URLs included); `post` signs the form with
the official SDK's RequestValidator, as Twilio's docs show, and sends the body in Twilio's order.
Nothing here comes from the app or the simulator, so the two cannot agree on a mistake.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import httpx
from twilio.request_validator import RequestValidator

FIXTURES = Path(__file__).parent.parent / "fixtures" / "twilio"
# The values the fixture files hold (README.md there).
ACCOUNT_SID = "ACd90142ad8f5e65b52139c43aba5a4cf9"
OUR_NUMBER = "+15558675310"
THEIR_NUMBER = "+15017122661"
MESSAGING_SERVICE_SID = "MG4154e1578d6f7d406e99309eed40717d"

Form = list[tuple[str, str]]


def names(folder: str) -> list[str]:
    """The fixture names in `folder` ("inbound" or "status"), sorted."""
    return sorted(p.stem for p in (FIXTURES / folder).glob("*.txt"))


def load(
    name: str,
    *,
    account_sid: str,
    ours: str,
    theirs: str,
    sid: str | None = None,
    fields: Mapping[str, str] | None = None,
) -> Form:
    """The fixture `name` ("inbound/sms") as (field, value) pairs in Twilio's order.

    The fixture's account sid, our number and theirs become the test's, wherever they appear;
    its message sid becomes `sid` if given; `fields` then set single fields (a Body to try).
    """
    raw = (FIXTURES / f"{name}.txt").read_text().strip()
    form = parse_qsl(raw, keep_blank_values=True, strict_parsing=True)
    swaps = {ACCOUNT_SID: account_sid, OUR_NUMBER: ours, THEIR_NUMBER: theirs}
    if sid is not None:
        swaps[dict(form)["MessageSid"]] = sid
    swapped = []
    for key, value in form:
        for old, new in swaps.items():
            value = value.replace(old, new)
        swapped.append((key, value))
    if fields:
        unknown = set(fields) - {key for key, _ in swapped}
        assert not unknown, f"{name} has no field {unknown}"
        swapped = [(key, fields.get(key, value)) for key, value in swapped]
    return swapped


def signature(auth_token: str, url: str, form: Form) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL and the sorted fields, by the SDK."""
    assert len({key for key, _ in form}) == len(form), "a Twilio form names each field once"
    return str(RequestValidator(auth_token).compute_signature(url, dict(form)))


def post(
    *, api_url: str, public_url: str, path: str, form: Form, auth_token: str
) -> httpx.Response:
    """POSTs the form to `api_url` + `path`, signed for the public URL Twilio would call."""
    return httpx.post(
        f"{api_url}{path}",
        content=urlencode(form).encode(),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": signature(auth_token, f"{public_url}{path}", form),
            "User-Agent": "TwilioProxy/1.1",
        },
        timeout=10,
    )
