"""The outbox dispatcher: sends queued messages through the SMS gateway, outside any request,
state lock or transaction, and fetches inbound media. One loop per app process; fenced leases
make several processes safe.

Per message: claim it (a fresh lease token), then before each provider call renew the lease and
give the call only the time the lease has left, so no call is still in flight when another
dispatcher may claim the message; every outcome is recorded only under the same token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.engine import Engine

from agent_workspace.domain.delivery import retry_delay
from agent_workspace.domain.outbox import Sent, call_budget, could_be_ours, provider_copy
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
#: After a create that got no answer at all, how long the provider may still be working on it.
SETTLE = timedelta(seconds=30)
#: HTTP answers that come from a proxy in front of the provider, which may still be working.
_NOT_THE_PROVIDERS_ANSWER = frozenset({502, 504})


class Dispatcher:
    def __init__(
        self,
        gateway: SmsGateway,
        *,
        status_callback_url: str,
        media_url: Callable[[int, str], str],
        engine: Engine | None = None,
        poll_seconds: float = 1.0,
        lease: timedelta = outbox.LEASE,
        settle: timedelta = SETTLE,
        batch: int = 10,
    ) -> None:
        self.gateway = gateway
        self.status_callback_url = status_callback_url
        self.media_url = media_url
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.lease = lease
        self.settle = settle
        self.batch = batch
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run_once(self) -> int:
        """Sends up to `batch` due messages and fetches pending media once; returns how many it
        handled. Messages are claimed one at a time, so idle dispatchers take the rest."""
        sent = 0
        for _ in range(self.batch):
            jobs = outbox.claim_due(limit=1, lease=self.lease, engine=self.engine)
            if not jobs:
                break
            self._send(jobs[0])
            sent += 1
        media = inbound_media.pending_media(engine=self.engine)
        for item in media:
            self._fetch(item)
        return sent + len(media)

    def _send(self, job: outbox.OutboundJob) -> None:
        if job.reconcile_first:  # an earlier attempt may have reached the provider
            if (budget := self._hold(job)) is None:
                return
            try:
                found = self._already_at_provider(job, budget)
            except SmsError as problem:
                # Whether it has a copy is unknown: never send blind, look again later.
                self._retry(job, problem, uncertain=True)
                return
            if found is not None:
                self._accepted(job, found)
                return
        if (budget := self._hold(job)) is None:
            return
        try:
            accepted = self.gateway.send(
                OutboundSms(
                    to=job.to,
                    from_=job.from_,
                    body=job.body,
                    media_urls=tuple(self.media_url(i, name) for i, name in job.media),
                    status_callback=self.status_callback_url,
                ),
                timeout=budget,
            )
        except PermanentSmsError as refused:
            outbox.mark_failed(
                message_id=job.message_id,
                lease_token=job.lease_token,
                code=refused.code,
                reason=refused.message,
                opted_out=isinstance(refused, OptedOutError),
                engine=self.engine,
            )
        except (RetryableSmsError, UncertainSmsError) as problem:
            self._retry(job, problem, uncertain=isinstance(problem, UncertainSmsError))
        else:
            self._accepted(job, accepted)

    def _hold(self, job: outbox.OutboundJob) -> float | None:
        """Renews the lease before a provider call: the seconds the call may take, or None when
        another dispatcher has claimed the message (then this one must not touch it)."""
        started = time.monotonic()
        if not outbox.renew_lease(
            message_id=job.message_id,
            lease_token=job.lease_token,
            lease=self.lease,
            engine=self.engine,
        ):
            return None
        return call_budget(self.lease, spent=timedelta(seconds=time.monotonic() - started))

    def _accepted(self, job: outbox.OutboundJob, copy: ProviderMessage) -> None:
        outbox.mark_accepted(
            message_id=job.message_id,
            lease_token=job.lease_token,
            sid=copy.sid,
            status=copy.status,
            error_code=copy.error_code,
            engine=self.engine,
        )

    def _retry(self, job: outbox.OutboundJob, problem: SmsError, *, uncertain: bool) -> None:
        retry_after = problem.retry_after if isinstance(problem, RetryableSmsError) else None
        delay = retry_delay(job.attempts, retry_after=retry_after, jitter=random.random())
        if isinstance(problem, UncertainSmsError) and (
            problem.http_status is None or problem.http_status in _NOT_THE_PROVIDERS_ANSWER
        ):
            # No answer: the provider may still be storing the create; a lookup before it has
            # finished would find nothing and send a second copy.
            delay = max(delay, self.settle)
        outbox.mark_retry(
            message_id=job.message_id,
            lease_token=job.lease_token,
            delay=delay,
            uncertain=uncertain,
            reason=problem.message,
            engine=self.engine,
        )

    def _already_at_provider(
        self, job: outbox.OutboundJob, budget: float
    ) -> ProviderMessage | None:
        """After an uncertain attempt: the provider's copy of this message, if it has one."""
        sent = Sent(body=job.body, num_media=len(job.media), created_at=job.created_at)
        listed = self.gateway.list_messages(
            to=job.to, from_=job.from_, created_after=sent.cutoff, timeout=budget
        )
        candidates = [m for m in listed if could_be_ours(m, sent)]
        taken = outbox.sids_in_use([m.sid for m in candidates], engine=self.engine)
        return provider_copy(candidates, sent, taken=taken)

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
