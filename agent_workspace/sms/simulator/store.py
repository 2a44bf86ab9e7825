"""In-memory, thread-safe state of the SMS simulator: messages, media, opt-outs, faults."""

from __future__ import annotations

import secrets
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

FaultKind = Literal["http_500", "hang", "429", "queue_full"]


def new_sid(prefix: str) -> str:
    """A Twilio-shaped SID: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class SimMedia:
    """One attachment, with the bytes the simulator fetched or the phone uploaded."""

    sid: str
    content_type: str
    data: bytes
    source_url: str | None = None
    fetch_count: int = 0
    date_created: datetime = field(default_factory=utcnow)


@dataclass
class SimMessage:
    """One message in either direction, as the simulator keeps it."""

    sid: str
    account_sid: str
    direction: str  # "outbound-api" or "inbound"
    from_: str
    to: str
    body: str
    status: str
    date_created: datetime = field(default_factory=utcnow)
    date_updated: datetime = field(default_factory=utcnow)
    date_sent: datetime | None = None
    error_code: int | None = None
    error_message: str | None = None
    media_urls: list[str] = field(default_factory=list)
    media: list[SimMedia] = field(default_factory=list)
    status_callback: str | None = None
    messaging_service_sid: str | None = None
    request_params: dict[str, list[str]] = field(default_factory=dict)
    status_history: list[str] = field(default_factory=list)
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    webhook_ok: bool | None = None
    webhook_result: str | None = None
    fault: str | None = None  # the injected fault of the create that stored it (tests read it)
    arrived_at: float | None = None  # wall-clock time (epoch s) the create request arrived

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for the control API (not Twilio's shape)."""
        return {
            "sid": self.sid,
            "direction": self.direction,
            "from": self.from_,
            "to": self.to,
            "body": self.body,
            "status": self.status,
            "error_code": self.error_code,
            "date_created": self.date_created.isoformat(),
            "date_sent": self.date_sent.isoformat() if self.date_sent else None,
            "media_urls": list(self.media_urls),
            "media": [
                {"sid": m.sid, "content_type": m.content_type, "size": len(m.data)}
                for m in self.media
            ],
            "status_callback": self.status_callback,
            "messaging_service_sid": self.messaging_service_sid,
            "request_params": {k: list(v) for k, v in self.request_params.items()},
            "status_history": list(self.status_history),
            "callbacks": [dict(c) for c in self.callbacks],
            "webhook_ok": self.webhook_ok,
            "webhook_result": self.webhook_result,
            "fault": self.fault,
            "arrived_at": self.arrived_at,
        }


@dataclass
class Fault:
    """A failure injected into the next message creates.

    Attributes:
        stored: For "http_500": the message is stored (and sent) before the 500 answer.
        stored_at: For "hang": the message is stored when the request arrives ("start") or only
            when the delay is over ("end"), whether or not the client is still waiting.
    """

    kind: FaultKind
    remaining: int = 1
    delay: float = 0.0
    retry_after: float = 1.0
    stored: bool = False
    stored_at: Literal["start", "end"] = "start"


class SimulatorStore:
    """Everything the simulator remembers; every method takes the lock."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._messages: dict[str, SimMessage] = {}
        self._opt_outs: set[tuple[str, str]] = set()  # (provider number, phone)
        self._faults: deque[Fault] = deque()
        self._sticky: dict[tuple[str, str], str] = {}  # (service, phone) -> its sender

    def reset(self) -> None:
        with self._lock:
            self._sticky.clear()
            self._messages.clear()
            self._opt_outs.clear()
            self._faults.clear()

    # Messages
    def add(self, message: SimMessage) -> SimMessage:
        with self._lock:
            self._messages[message.sid] = message
            message.status_history.append(message.status)
            return message

    def get(self, sid: str) -> SimMessage | None:
        with self._lock:
            return self._messages.get(sid)

    def update(self, sid: str, change: Callable[[SimMessage], None]) -> SimMessage | None:
        """Apply `change` to a message under the lock; None if it is gone (after a reset)."""
        with self._lock:
            message = self._messages.get(sid)
            if message is not None:
                change(message)
                message.date_updated = utcnow()
            return message

    def set_status(self, sid: str, status: str, error_code: int | None = None) -> SimMessage | None:
        def change(message: SimMessage) -> None:
            message.status = status
            message.status_history.append(status)
            if error_code is not None:
                message.error_code = error_code
            if status == "sent" and message.date_sent is None:
                message.date_sent = utcnow()

        return self.update(sid, change)

    def messages(self, where: Callable[[SimMessage], bool] | None = None) -> list[SimMessage]:
        """Matching messages, oldest first."""
        with self._lock:
            found = [m for m in self._messages.values() if where is None or where(m)]
        return sorted(found, key=lambda m: m.date_created)

    def find_media(self, media_sid: str) -> tuple[SimMessage, SimMedia] | None:
        with self._lock:
            for message in self._messages.values():
                for media in message.media:
                    if media.sid == media_sid:
                        return message, media
        return None

    def count_media_fetch(self, media_sid: str) -> int:
        """Count one authenticated fetch of a media item; returns the count before this one."""
        with self._lock:
            found = self.find_media(media_sid)
            if found is None:
                return 0
            before = found[1].fetch_count
            found[1].fetch_count += 1
            return before

    # Phones (the consumer side)
    def phones(self, provider_numbers: set[str]) -> list[str]:
        """Consumer phone numbers that exchanged messages, most recent first."""
        with self._lock:
            latest: dict[str, datetime] = {}
            for m in self._messages.values():
                phone = m.to if m.direction.startswith("outbound") else m.from_
                if phone in provider_numbers:
                    continue
                latest[phone] = max(latest.get(phone, m.date_created), m.date_created)
        return sorted(latest, key=lambda p: latest[p], reverse=True)

    def conversation(self, phone: str) -> list[SimMessage]:
        return self.messages(
            lambda m: (
                (m.direction.startswith("outbound") and m.to == phone)
                or (m.direction == "inbound" and m.from_ == phone)
            )
        )

    def providers_for(self, phone: str) -> list[str]:
        """Provider numbers this phone talked with, the last one that texted it first."""
        ordered: list[str] = []
        for m in reversed(self.conversation(phone)):
            number = m.from_ if m.direction.startswith("outbound") else m.to
            if number not in ordered:
                ordered.append(number)
        return ordered

    # Sticky Sender (per Messaging Service and phone)
    def sticky_sender(self, service: str, phone: str) -> str:
        with self._lock:
            return self._sticky.get((service, phone), "")

    def stick(self, service: str, phone: str, sender: str) -> None:
        with self._lock:
            self._sticky[(service, phone)] = sender

    # Opt-out (scoped to the provider number)
    def opt_out(self, provider: str, phone: str) -> None:
        with self._lock:
            self._opt_outs.add((provider, phone))

    def opt_in(self, provider: str, phone: str) -> None:
        with self._lock:
            self._opt_outs.discard((provider, phone))

    def is_opted_out(self, provider: str, phone: str) -> bool:
        with self._lock:
            return (provider, phone) in self._opt_outs

    # Faults
    def add_fault(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take_fault(self) -> Fault | None:
        """The fault for this create, if any (each fault covers `remaining` creates)."""
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.remaining -= 1
            if fault.remaining <= 0:
                self._faults.popleft()
            return fault
