"""Opt-out keywords, as Twilio applies them to a sender number."""

from enum import StrEnum

OPT_OUT_KEYWORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT"}
)
OPT_IN_KEYWORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})


class OptAction(StrEnum):
    OPT_OUT = "STOP"
    OPT_IN = "START"
    HELP = "HELP"


def opt_action(body: str, opt_out_type: str | None = None) -> OptAction | None:
    """What an inbound message does to the subscription; Twilio's `OptOutType` wins when posted.

    Only a message that is exactly one keyword counts ("stop" yes, "please stop" no).
    """
    if opt_out_type:
        try:
            return OptAction(opt_out_type.strip().upper())
        except ValueError:
            return None
    word = body.strip().upper()
    if word in OPT_OUT_KEYWORDS:
        return OptAction.OPT_OUT
    if word in OPT_IN_KEYWORDS:
        return OptAction.OPT_IN
    if word in HELP_KEYWORDS:
        return OptAction.HELP
    return None
