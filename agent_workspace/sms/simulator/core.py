"""The simulator's behaviour, independent of HTTP routing: creates, inbound texts, opt-out."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx

from agent_workspace.sms.simulator import delivery
from agent_workspace.sms.simulator.keywords import keyword_type
from agent_workspace.sms.simulator.magic import E164
from agent_workspace.sms.simulator.render import API_VERSION, message_uri
from agent_workspace.sms.simulator.store import (
    SimMedia,
    SimMessage,
    SimulatorStore,
    new_sid,
    utcnow,
)

logger = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class SimulatorConfig:
    """Settings; the mutable ones can be changed at run time through /_sim/settings."""

    account_sid: str
    auth_token: str
    public_base_url: str
    inbound_webhook_url: str | None = None
    status_delays: tuple[float, float, float] = (0.2, 0.5, 1.0)
    # Accepted messages stay "queued" with no callbacks, as in a Twilio sender queue that has
    # not reached them yet (it may hold them for hours): the pacing of delivery switched off.
    hold_queued: bool = False
    provider_numbers: frozenset[str] = field(default_factory=frozenset)
    media_first_fetch_404: bool = False
    media_fetch_timeout: float = 5.0
    webhook_timeout: float = 5.0
    # The sid of a Messaging Service with Advanced Opt-Out that holds every provider number:
    # Twilio then adds MessagingServiceSid, and OptOutType for a keyword, to inbound webhooks.
    # None: plain numbers, whose webhooks carry neither (Twilio's default STOP filtering).
    advanced_opt_out_service: str | None = None
    # The account's Messaging Services (MG sids), each with every provider number in its sender
    # pool and Sticky Sender on; the Advanced Opt-Out service is one of them too.
    messaging_services: frozenset[str] = field(default_factory=frozenset)

    def has_service(self, sid: str) -> bool:
        return sid in self.messaging_services or sid == self.advanced_opt_out_service


class InboundError(ValueError):
    """A phone reply that cannot be accepted (bad number)."""


class Simulator:
    """One simulated Twilio account: its store, settings and background deliveries."""

    def __init__(self, config: SimulatorConfig, store: SimulatorStore | None = None) -> None:
        self.config = config
        self.store = store or SimulatorStore()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._http: tuple[asyncio.AbstractEventLoop, httpx.AsyncClient] | None = None

    def http(self) -> httpx.AsyncClient:
        """The one client for every callback, webhook and media fetch of this loop.

        Creating a client builds an SSL context, 20-30 ms of CPU on the server loop: a client per
        POST (three status callbacks per message) stalled the create requests behind them. One
        pool also keeps connections alive between callbacks, as Twilio's senders do.
        """
        loop = asyncio.get_running_loop()
        if self._http is None or self._http[0] is not loop:
            self._http = (loop, httpx.AsyncClient())
        return self._http[1]

    def media_url(self, message_sid: str, media_sid: str) -> str:
        base = self.config.public_base_url.rstrip("/")
        return f"{base}{message_uri(self.config.account_sid, message_sid)}/Media/{media_sid}"

    def sender_for(self, service: str, to: str) -> str:
        """The sender a Messaging Service picks for `to`: the one it used for `to` before
        (Sticky Sender), else one from its pool; "" when the pool is empty."""
        pool = sorted(self.config.provider_numbers)
        used = self.store.sticky_sender(service, to)
        if used in pool:
            return used
        return secrets.choice(pool) if pool else ""

    def create_outbound(
        self,
        params: Mapping[str, Sequence[str]],
        *,
        fault: str | None = None,
        arrived_at: float | None = None,
    ) -> SimMessage:
        """Store an accepted create as "queued" and start its status progression.

        A queued message has no DateSent: Twilio sets it when the message leaves the queue.
        Through a Messaging Service with no From, it is "accepted" first: Twilio answers with no
        `from` until it has picked the sender (here: the sticky one, else one of the pool).
        """

        def first(key: str) -> str | None:
            values = params.get(key)
            return values[0] if values else None

        to, service = first("To") or "", first("MessagingServiceSid")
        sender = first("From") or ""
        if service and not sender:
            sender = self.sender_for(service, to)
            self.store.stick(service, to, sender)
        message = SimMessage(
            sid=new_sid("SM"),
            account_sid=self.config.account_sid,
            direction="outbound-api",
            from_=sender,
            to=to,
            body=first("Body") or "",
            status="accepted" if service and not first("From") else "queued",
            media_urls=list(params.get("MediaUrl", [])),
            status_callback=first("StatusCallback"),
            messaging_service_sid=service,
            request_params={key: list(values) for key, values in params.items()},
            fault=fault,
            arrived_at=arrived_at,
        )
        self.store.add(message)
        if not self.config.hold_queued:
            self.spawn(delivery.progress_outbound(self, message.sid))
        return message

    async def receive_from_phone(
        self, *, phone: str, provider: str, body: str, media: Sequence[tuple[str, bytes]] = ()
    ) -> SimMessage:
        """A consumer's text (from the phone page or /_sim/inbound): store it, post the webhook."""
        phone, provider = phone.strip(), provider.strip()
        if not E164.match(phone) or not E164.match(provider):
            raise InboundError(
                "Phone and provider numbers must be in E.164 form, like +12015550123."
            )
        if not body.strip() and not media:
            raise InboundError("Write a text or attach a file.")
        sid = new_sid("MM" if media else "SM")
        message = SimMessage(
            sid=sid,
            account_sid=self.config.account_sid,
            direction="inbound",
            from_=phone,
            to=provider,
            body=body,
            status="received",
            date_sent=utcnow(),  # Twilio: when it posted the message to the webhook
            media=[SimMedia(new_sid("ME"), ctype, data) for ctype, data in media],
        )
        keyword = keyword_type(body)
        if keyword == "STOP":
            self.store.opt_out(provider, phone)
        elif keyword == "START":
            self.store.opt_in(provider, phone)
        self.store.add(message)
        await delivery.post_inbound_webhook(self, message, opt_out=keyword)
        return message

    def inbound_params(self, message: SimMessage, opt_out: str | None) -> dict[str, str]:
        """The form Twilio posts to the number's messaging webhook; `opt_out` is the text's
        keyword type, posted as OptOutType only under Advanced Opt-Out, as Twilio does."""
        params = {
            "ToCountry": "US" if message.to.startswith("+1") else "",
            "FromCountry": "US" if message.from_.startswith("+1") else "",
            "SmsMessageSid": message.sid,
            "SmsSid": message.sid,
            "MessageSid": message.sid,
            "SmsStatus": "received",
            "AccountSid": message.account_sid,
            "From": message.from_,
            "To": message.to,
            "Body": message.body,
            "NumMedia": str(len(message.media)),
            "NumSegments": "1",
            "ApiVersion": API_VERSION,
        }
        params = {key: value for key, value in params.items() if value != ""}
        params["Body"] = message.body
        for index, media in enumerate(message.media):
            params[f"MediaUrl{index}"] = self.media_url(message.sid, media.sid)
            params[f"MediaContentType{index}"] = media.content_type
        service = self.config.advanced_opt_out_service
        if service:
            params["MessagingServiceSid"] = service
            if opt_out:
                params["OptOutType"] = opt_out
        return params

    def spawn(self, coro: Coroutine[Any, Any, T]) -> asyncio.Task[T]:
        """Run a background coroutine on the server loop and keep a reference to it."""
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def cancel_background(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        """At shutdown: background work ends, then the client's connections close."""
        await self.cancel_background()
        if self._http is not None and self._http[0] is asyncio.get_running_loop():
            await self._http[1].aclose()
        self._http = None

    async def reset(self) -> None:
        await self.cancel_background()
        self.store.reset()
