"""The outbox dispatcher: sends queued messages through the SMS gateway, outside any request,
state lock or transaction, and fetches inbound media. One loop per app process; leases make
several processes safe."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine

from agent_workspace.domain.delivery import retry_delay
from agent_workspace.services import events
from agent_workspace.services.files import inbound_media
from agent_workspace.services.messaging import outbox
from agent_workspace.sms.gateway import (
    OptedOutError,
    OutboundSms,
    PermanentSmsError,
    ProviderMessage,
    RetryableSmsError,
    SmsError,
    SmsGateway,
    UncertainSmsError,
)

log = logging.getLogger(__name__)
RECONCILE_WINDOW = timedelta(minutes=2)


class Dispatcher:
    def __init__(
        self,
        gateway: SmsGateway,
        *,
        status_callback_url: str,
        media_url: Callable[[int, str], str],
        engine: Engine | None = None,
        poll_seconds: float = 1.0,
    ) -> None:
        self.gateway = gateway
        self.status_callback_url = status_callback_url
        self.media_url = media_url
        self.engine = engine
        self.poll_seconds = poll_seconds
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run_once(self) -> int:
        """Sends every due message and fetches pending media once; returns how many it handled."""
        jobs = outbox.claim_due(engine=self.engine)
        for job in jobs:
            self._send(job)
        media = inbound_media.pending_media(engine=self.engine)
        for item in media:
            self._fetch(item)
        return len(jobs) + len(media)

    def _send(self, job: outbox.OutboundJob) -> None:
        if job.reconcile_first:  # an earlier attempt may have reached the provider
            try:
                found = self._already_at_provider(job)
            except SmsError as problem:
                # Whether it has a copy is unknown: never send blind, look again later.
                self._retry(job, problem, uncertain=True)
                return
            if found is not None:
                outbox.mark_accepted(
                    message_id=job.message_id,
                    sid=found.sid,
                    status=found.status,
                    error_code=found.error_code,
                    engine=self.engine,
                )
                return
        try:
            accepted = self.gateway.send(
                OutboundSms(
                    to=job.to,
                    from_=job.from_,
                    body=job.body,
                    media_urls=tuple(self.media_url(i, name) for i, name in job.media),
                    status_callback=self.status_callback_url,
                )
            )
        except PermanentSmsError as refused:
            outbox.mark_failed(
                message_id=job.message_id,
                code=refused.code,
                reason=refused.message,
                opted_out=isinstance(refused, OptedOutError),
                engine=self.engine,
            )
        except (RetryableSmsError, UncertainSmsError) as problem:
            self._retry(job, problem, uncertain=isinstance(problem, UncertainSmsError))
        else:
            outbox.mark_accepted(
                message_id=job.message_id,
                sid=accepted.sid,
                status=accepted.status,
                engine=self.engine,
            )

    def _retry(self, job: outbox.OutboundJob, problem: SmsError, *, uncertain: bool) -> None:
        retry_after = problem.retry_after if isinstance(problem, RetryableSmsError) else None
        outbox.mark_retry(
            message_id=job.message_id,
            delay=retry_delay(job.attempts, retry_after=retry_after, jitter=random.random()),
            uncertain=uncertain,
            reason=problem.message,
            engine=self.engine,
        )

    def _already_at_provider(self, job: outbox.OutboundJob) -> ProviderMessage | None:
        """After an uncertain attempt: the provider's copy of this message, if it has one."""
        candidates = self.gateway.list_messages(
            to=job.to, from_=job.from_, sent_after=job.created_at - RECONCILE_WINDOW
        )
        same = [m for m in candidates if m.body == job.body]
        taken = outbox.sids_in_use([m.sid for m in same], engine=self.engine)
        free = [m for m in same if m.sid not in taken]
        free.sort(key=lambda m: (m.date_created is None, m.date_created))
        return free[0] if free else None

    def _fetch(self, item: inbound_media.MediaJob) -> None:
        try:
            fetched = self.gateway.fetch_media(item.url)
        except SmsError as problem:
            inbound_media.media_failed(
                attachment_id=item.attachment_id,
                reason=problem.message,
                permanent=isinstance(problem, PermanentSmsError),
                engine=self.engine,
            )
            return
        inbound_media.store_media(
            attachment_id=item.attachment_id,
            data=fetched.data,
            declared_type=fetched.content_type or item.declared_type,
            engine=self.engine,
        )

    def wake(self) -> None:
        """Called after a commit that queued work; thread-safe."""
        if self._loop is not None and self._wake is not None:
            self._loop.call_soon_threadsafe(self._wake.set)

    async def run_forever(self) -> None:
        """The app's lifespan task: runs until cancelled."""
        self._loop, self._wake = asyncio.get_running_loop(), asyncio.Event()
        unsubscribe = events.subscribe(
            lambda e: self.wake() if isinstance(e, events.OutboxChanged) else None
        )
        try:
            while True:
                try:
                    handled = await asyncio.to_thread(self.run_once)
                except Exception:  # the loop must survive a bad message or a DB hiccup
                    log.exception("outbox dispatcher pass failed")
                    handled = 0
                if handled:
                    continue
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), timeout=self.poll_seconds)
        finally:
            unsubscribe()
