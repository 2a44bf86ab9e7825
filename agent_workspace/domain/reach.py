"""Whether a person's stored number can take a text, and what to call it.

Two things say so: the digits (a landline or toll-free number never takes SMS) and how the
latest message exchanged with the number ended (a final 30005 or 30006 says the number is gone
or cannot take SMS; a later delivery, or a text from the number, says it works again). The To
list offers a number with its reason rather than silently (or not at all), and the person's
panel never calls such a number "mobile", however it was stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent_workspace.domain.phone import PhoneOk, PhoneProblem, non_mobile_kind, parse_phone
from agent_workspace.domain.provider import failed_for_good

MOBILE = "mobile"
# What a number stored as "mobile" is called once its digits or the carrier say otherwise.
NEUTRAL_KIND = "phone"


@dataclass(frozen=True)
class LastOutcome:
    """How the latest message exchanged with a number ended: one of ours "delivered",
    "undelivered" or "failed" (with the provider's code), or one of theirs "received"."""

    status: str
    error_code: int | None = None


@dataclass(frozen=True)
class Reach:
    """A stored number as the composer and the person's panel show it.

    Attributes:
        kind: What to call it: the kind it was stored with, unless that is "mobile" and the
            number is known not to be one.
        warning: Why a text will not reach it, in words; "" when nothing says so.
        sendable: False when no text can reach it at all (its digits): shown, not choosable.
    """

    kind: str
    warning: str = ""
    sendable: bool = True

    @property
    def label(self) -> str:
        """The panel's words, e.g. "phone · landline, cannot receive SMS"."""
        return f"{self.kind} · {self.warning}" if self.warning else self.kind

    def option(self, shown: str) -> str:
        """A To option's words for the number shown as `shown`."""
        return f"{shown} · {self.warning}" if self.warning else shown


def reach(e164: str, *, kind: str, last: LastOutcome | None = None) -> Reach:
    """What `e164`, stored as `kind`, is to a sender, from its digits and its last outcome."""
    parsed = parse_phone(e164, default_region="ZZ")
    if not isinstance(parsed, PhoneOk):
        if parsed.problem is PhoneProblem.NOT_MOBILE:
            what = non_mobile_kind(e164) or "not a mobile"
            return Reach(_not_mobile(kind), f"{what}, cannot receive SMS", sendable=False)
        return Reach(_not_mobile(kind), "not a valid number", sendable=False)
    why = failed_for_good(last.status, last.error_code) if last else None
    if why is not None and last is not None:
        return Reach(_not_mobile(kind), f"last text failed: {why} ({last.error_code})")
    return Reach(kind)


def _not_mobile(kind: str) -> str:
    return NEUTRAL_KIND if kind == MOBILE else kind
