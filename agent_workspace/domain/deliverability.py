"""Checks shown as the agent types, before Send: what makes a text cost more, get filtered or
arrive badly, each with a one-click fix where one exists.

- Characters that force UCS-2 (smart quotes, long dashes, non-breaking spaces...): replace them
  with their GSM-7 look-alikes, and say how many segments that saves.
- More than 320 characters (Twilio's advice for deliverability).
- Public link shorteners, which carriers filter.
- A first message to a consumer that does not say who is writing or how to opt out.
- MMS to a country where it is not delivered natively (only the US and Canada): it arrives as
  a text with a link.
- A non-image attachment over the carriers' 600 KB advice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from agent_workspace.domain.segments import GSM7_BASIC, GSM7_EXTENSION, count_segments

LONG_BODY = 320
"""Twilio advises keeping a text under 320 characters for the best delivery."""

NON_IMAGE_LIMIT = 600 * 1024
"""Carriers' advice for files that are not images (images are resized by the carrier)."""

MMS_COUNTRIES = frozenset({"US", "CA"})
"""Countries where Twilio delivers MMS natively; elsewhere it arrives as SMS with a link."""

# Look-alikes for characters that would force the whole message into UCS-2.
GSM_LOOKALIKES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-", "\u2010": "-", "\u2011": "-",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
    "\u2026": "...", "\u2022": "-", "\u00b7": ".", "\u200b": "", "\ufeff": "",
}  # fmt: skip

SHORTENERS = frozenset(
    {
        "bit.ly", "tinyurl.com", "goo.gl", "t.co", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
        "cutt.ly", "shorturl.at", "tiny.cc", "bl.ink", "rb.gy", "t.ly", "s.id", "v.gd",
        "shorte.st", "adf.ly", "bit.do", "lnkd.in", "tr.im", "x.co", "short.io",
    }
)  # fmt: skip

_LINK = re.compile(r"(?:https?://)?(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)+)(?:/\S*)?", re.I)
_OPT_OUT_HINT = re.compile(r"\b(stop|opt[\s-]?out|unsubscribe)\b", re.I)


class CheckKind(StrEnum):
    UCS2 = "ucs2"
    LONG = "long"
    SHORTENER = "shortener"
    NO_BUSINESS_NAME = "no_business_name"
    NO_OPT_OUT_HINT = "no_opt_out_hint"
    MMS_COUNTRY = "mms_country"
    LARGE_FILE = "large_file"
    QUIET_HOURS = "quiet_hours"  # said by domain/quiet_hours.py, not by the text's checks


@dataclass(frozen=True)
class Check:
    """One thing to tell the agent; `fixed` is the body after the one-click fix, if any."""

    kind: CheckKind
    words: str
    fixed: str | None = None


@dataclass(frozen=True)
class Attachment:
    """What the checks need of a file."""

    name: str
    content_type: str
    size: int


def gsm_lookalikes(body: str) -> str:
    """`body` with every UCS-2-forcing character that has a GSM-7 look-alike replaced."""
    return "".join(GSM_LOOKALIKES.get(ch, ch) for ch in body)


def _forcing(body: str) -> list[str]:
    gsm = GSM7_BASIC | GSM7_EXTENSION
    return list(dict.fromkeys(ch for ch in body if ch not in gsm))


def check_message(
    body: str,
    *,
    first_message: bool = False,
    business_name: str = "",
    region: str | None = None,
    attachments: Sequence[Attachment] = (),
) -> list[Check]:
    """Every check that applies to this message, in the order the agent should read them.

    Args:
        body: The text as typed.
        first_message: Whether this is the first text to the consumer (proactive).
        business_name: The channel's business name ("" when none is set).
        region: The recipient's country (ISO 3166 alpha-2), if known.
        attachments: The files to be sent.
    """
    checks: list[Check] = []
    if ucs2 := _ucs2_check(body):
        checks.append(ucs2)
    if len(body) > LONG_BODY:
        checks.append(
            Check(
                CheckKind.LONG,
                f"{len(body)} characters: texts over {LONG_BODY} are delivered less reliably; "
                "consider a shorter message.",
            )
        )
    for host in _shorteners(body):
        checks.append(
            Check(
                CheckKind.SHORTENER,
                f"Carriers filter link shorteners like {host}: use the full link on your own "
                "domain.",
            )
        )
    if first_message:
        checks.extend(_first_message_checks(body, business_name))
    if attachments and region is not None and region not in MMS_COUNTRIES:
        checks.append(
            Check(
                CheckKind.MMS_COUNTRY,
                "Picture messages are not delivered natively to this country: it arrives as a "
                "text with a link to the files.",
            )
        )
    for big in (a for a in attachments if _large_non_image(a)):
        checks.append(
            Check(
                CheckKind.LARGE_FILE,
                f"{big.name} is {big.size // 1024} KB: carriers advise at most 600 KB for files "
                "that are not images; it may not arrive.",
            )
        )
    return checks


def _ucs2_check(body: str) -> Check | None:
    forcing = _forcing(body)
    if not forcing:
        return None
    fixed = gsm_lookalikes(body)
    shown = " ".join(
        repr(ch)[1:-1] if ch.isspace() or not ch.isprintable() else ch for ch in forcing
    )
    before, after = count_segments(body).segments, count_segments(fixed).segments
    if fixed == body or _forcing(fixed):
        return Check(
            CheckKind.UCS2,
            f"These characters make the text Unicode, with fewer characters per segment: {shown}.",
        )
    saving = f" ({before} segments -> {after})" if after < before else ""
    return Check(
        CheckKind.UCS2,
        f"Replace {shown} with plain characters to send it as standard text{saving}.",
        fixed,
    )


def _shorteners(body: str) -> list[str]:
    hosts = (match.group(1).lower() for match in _LINK.finditer(body))
    return list(dict.fromkeys(host for host in hosts if host in SHORTENERS))


def _first_message_checks(body: str, business_name: str) -> list[Check]:
    checks = []
    if not business_name or business_name.casefold() not in body.casefold():
        said = f" ({business_name})" if business_name else ""
        checks.append(
            Check(
                CheckKind.NO_BUSINESS_NAME,
                f"A first message should say who is writing{said}: carriers filter unnamed ones.",
            )
        )
    if not _OPT_OUT_HINT.search(body):
        checks.append(
            Check(
                CheckKind.NO_OPT_OUT_HINT,
                'A first message should say how to stop: add "Reply STOP to opt out."',
                f"{body.rstrip()} Reply STOP to opt out.",
            )
        )
    return checks


def _large_non_image(attachment: Attachment) -> bool:
    return not attachment.content_type.startswith("image/") and attachment.size > NON_IMAGE_LIMIT
