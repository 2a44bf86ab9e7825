"""The SMS provider port: what the app needs from an SMS provider, in plain values.

Nothing in here knows about Twilio. `TwilioGateway` (in `twilio_gateway.py`) is the real adapter;
tests and the outbox use the `SmsGateway` protocol. Every call is synchronous: run it with
`asyncio.to_thread` from async code. All timestamps are timezone-aware UTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from agent_workspace.domain.error_playbook import play_for


@dataclass(frozen=True)
class OutboundSms:
    """One message the app asks the provider to send.

    With `messaging_service_sid` the provider picks the sender from the service's pool and
    `from_` is not sent (Twilio: MessagingServiceSid without From); else it goes from `from_`.
    """

    to: str
    from_: str
    body: str
    media_urls: tuple[str, ...] = ()
    status_callback: str | None = None
    messaging_service_sid: str | None = None


@dataclass(frozen=True)
class ProviderMessage:
    """A message as the provider reports it (after create, or from a listing).

    `direction` is Twilio's ("outbound-api" for what we create, "inbound", ...); `date_sent` is
    None until the message leaves the sender's queue. `from_` is "" while a Messaging Service
    has not picked the sender yet (Twilio answers `accepted` with a null `from`).
    """

    sid: str
    status: str
    to: str
    from_: str
    body: str
    date_created: datetime | None
    error_code: int | None = None
    direction: str = ""
    num_media: int = 0
    date_sent: datetime | None = None
    messaging_service_sid: str | None = None


@dataclass(frozen=True)
class FetchedMedia:
    """The bytes of one inbound MMS attachment and the type the provider declared."""

    data: bytes
    content_type: str


class SmsError(Exception):
    """The provider refused or could not take a request.

    Attributes:
        code: The provider's error code (Twilio: 21211, 30003, ...), if known.
        http_status: The HTTP status of the provider's answer, if there was one.
        message: Plain words an agent can read.
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        http_status: int | None = None,
    ) -> None:
        if not message:
            message = play_for(code).words
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, code={self.code!r}, "
            f"http_status={self.http_status!r})"
        )


class PermanentSmsError(SmsError):
    """The message can never be sent as it is: mark it failed, do not retry."""


class OptedOutError(PermanentSmsError):
    """The recipient replied STOP to this sender (Twilio 21610)."""


class RetryableSmsError(SmsError):
    """The request did not take effect (rate limit, full queue, provider unreachable): retry later.

    Attributes:
        retry_after: Seconds the provider asked us to wait, if it said.
    """

    def __init__(
        self,
        message: str = "",
        *,
        code: int | None = None,
        http_status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code, http_status=http_status)
        self.retry_after = retry_after


class UndecidedLookupError(SmsError):
    """A reconcile lookup cannot tell whether the provider has the message (more recent
    messages between the two numbers than it may read): looking again will not tell either."""


class UncertainSmsError(SmsError):
    """The request may have reached the provider (timeout, 5xx).

    The caller must reconcile with `SmsGateway.list_messages` before sending again, never resend
    blindly: Twilio has no idempotency key for message create.
    """


@runtime_checkable
class SmsGateway(Protocol):
    """What the app needs from an SMS provider."""

    def send(self, msg: OutboundSms, *, timeout: float | None = None) -> ProviderMessage:
        """Hand one message to the provider; raises an `SmsError` subclass on failure.

        `timeout` caps the whole call in seconds (a lease holder must finish before its lease
        does); running out of it is an `UncertainSmsError`.
        """
        ...

    def list_messages(
        self, *, to: str, from_: str | None, created_after: datetime, timeout: float | None = None
    ) -> list[ProviderMessage]:
        """Every message from `from_` (None: from any sender, as a Messaging Service picks it)
        to `to` that may have been created at or after `created_after`, whatever its status
        (queued ones included), newest first.

        For reconciliation: it must never miss a message the provider still holds. Raises
        `RetryableSmsError` when it cannot tell now (provider unreachable, out of `timeout`),
        `UndecidedLookupError` when it never will (too many messages to look through).
        """
        ...

    def fetch_message(self, sid: str, *, timeout: float | None = None) -> ProviderMessage:
        """The provider's current view of one message it took (its status, error code), for a
        message whose final status callback never came. `PermanentSmsError` when the provider
        does not know `sid`."""
        ...

    def fetch_media(self, url: str) -> FetchedMedia:
        """Download one inbound MMS attachment (`MediaUrlN` of an inbound webhook)."""
        ...
