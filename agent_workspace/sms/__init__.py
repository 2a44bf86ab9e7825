"""SMS provider layer: the `SmsGateway` port, the Twilio adapter, signatures, error classes.

Nothing outside this package imports `twilio`; use the names exported here.
"""

from agent_workspace.sms.errors import classify
from agent_workspace.sms.gateway import (
    FetchedMedia,
    OptedOutError,
    OutboundSms,
    PermanentSmsError,
    ProviderMessage,
    RetryableSmsError,
    SmsError,
    SmsGateway,
    UncertainSmsError,
    UndecidedLookupError,
)
from agent_workspace.sms.signature import (
    SIGNATURE_HEADER,
    compute_signature,
    validate_signature,
)
from agent_workspace.sms.twilio_gateway import TwilioGateway

__all__ = [
    "SIGNATURE_HEADER",
    "FetchedMedia",
    "OptedOutError",
    "OutboundSms",
    "PermanentSmsError",
    "ProviderMessage",
    "RetryableSmsError",
    "SmsError",
    "SmsGateway",
    "TwilioGateway",
    "UncertainSmsError",
    "UndecidedLookupError",
    "classify",
    "compute_signature",
    "validate_signature",
]
