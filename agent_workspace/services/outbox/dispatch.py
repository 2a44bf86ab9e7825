"""The outbox dispatcher: sends queued messages through the SMS gateway, outside any request,
state lock or transaction, and fetches inbound media. One loop per app process; fenced leases
make several processes safe.

It sends as soon as a commit queues work (wakeups.py: in-process event, PostgreSQL NOTIFY or
Redis), up to `concurrency` messages at a time on its own threads: it claims as many as it has
free slots in one statement, so nobody's message waits behind another in a batch. The poll is
only the fallback (and the wait for scheduled retries).

Per message: claim it (a fresh lease token); give each provider call only the time the lease has
left, renewing it first unless the claim is fresh, so no call is still in flight when another
dispatcher may claim the message; every outcome is recorded only under the same token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.domain.error_playbook import failure_text, retry_text
from agent_workspace.domain.provider import (
    Sent,
    call_budget,
    could_be_ours,
    provider_copy,
    retry_delay,
    stored_status,
)
from agent_workspace.models import MessageStatus, utcnow
from agent_workspace.ops.metrics import SENDS, error_label
from agent_workspace.services import events
from agent_workspace.services.files import inbound_media
from agent_workspace.services.outbox import claims, scheduled, statuses, wakeups
from agent_workspace.services.outbox.statuses import Accepted, record_accepted
from agent_workspace.sms.gateway import (
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

log = logging.getLogger(__name__)
#: After a create that got no answer at all, how long the provider may still be working on it.
SETTLE = timedelta(seconds=30)
#: Messages asked about per pass, and how long one question may take.
SETTLE_BATCH, STATUS_CHECK_TIMEOUT = 50, 10.0
#: HTTP answers that come from a proxy in front of the provider, which may still be working.
_NOT_THE_PROVIDERS_ANSWER = frozenset({502, 504})


def _answer(job: claims.OutboundJob, copy: ProviderMessage) -> Accepted:
    """The provider's copy under the claim's token, its status in our words: a word we do not
    know leaves the message where it is (queued)."""
    status = stored_status(copy.status) or MessageStatus.QUEUED.value
    return Accepted(
        job.message_id, job.lease_token, copy.sid, status, copy.error_code, from_=copy.from_
    )


class Dispatcher:
    """Sends the outbox. `wakeups` counts what woke it (local, postgres, redis, reconnect,
    poll), so tests can tell a wake-up from the fallback poll."""

    def __init__(
        self,
        gateway: SmsGateway,
        *,
        status_callback_url: str,
        media_url: Callable[[int, str], str],
        engine: Engine | None = None,
        poll_seconds: float = 1.0,
        lease: timedelta = claims.LEASE,
        settle: timedelta = SETTLE,
        batch: int = 10,
        concurrency: int = 8,
        listener: wakeups.Listener | None = None,
        status_check_after: timedelta = statuses.STATUS_CHECK_AFTER,
    ) -> None:
        self.gateway = gateway
        self.status_callback_url = status_callback_url
        self.media_url = media_url
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.lease = lease
        self.settle = settle
        self.batch = batch
        self.concurrency = max(1, concurrency)
        self.listener = listener
        self.status_check_after = status_check_after
        self.wakeups: Counter[str] = Counter()
        #: Set while it waits with nothing to claim (tests queue work only then).
        self.idle = threading.Event()
        self._wake: asyncio.Event | None = None
        self._media_wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._answers: list[Accepted] = []
        self._answered = asyncio.Event()

    def run_once(self) -> int:
        """Sends up to `batch` messages due when it began, `concurrency` at a time, and fetches
        pending media once; returns how many it handled."""
        sent, began = 0, utcnow()
        while sent < self.batch:
            limit = min(self.concurrency, self.batch - sent)
            # What was due when the pass began: a retry it rescheduled waits for the next one.
            jobs = claims.claim_due(limit=limit, lease=self.lease, due_by=began, engine=self.engine)
            if not jobs:
                break
            if len(jobs) == 1:
                answers = [self._send(jobs[0])]
            else:
                answers = list(self._threads().map(self._send, jobs))
            self._record([a for a in answers if a is not None])
            sent += len(jobs)
        return sent + self._fetch_pending()

    def _record(self, answers: list[Accepted]) -> set[int]:
        return record_accepted(answers, check_after=self.status_check_after, engine=self.engine)

    def settle_once(self, limit: int = SETTLE_BATCH) -> int:
        """Asks the provider for the status of up to `limit` messages whose final status
        callback has not come (statuses.claim_unsettled), and applies each answer as a
        callback; returns how many it asked about."""
        due = statuses.claim_unsettled(
            limit=limit, first=self.status_check_after, engine=self.engine
        )
        for message in due:
            try:
                found = self.gateway.fetch_message(message.sid, timeout=STATUS_CHECK_TIMEOUT)
            except PermanentSmsError as unknown:
                statuses.unknown_to_provider(
                    message_id=message.message_id, reason=unknown.message, engine=self.engine
                )
                continue
            except SmsError as problem:  # asked again at its next check time
                log.info("status check of message %s: %s", message.message_id, problem.message)
                continue
            if (status := stored_status(found.status)) is not None:
                statuses.apply_delivery_status(
                    sid=message.sid,
                    status=status,
                    error_code=found.error_code,
                    from_=found.from_,
                    engine=self.engine,
                )
        return len(due)

    def _threads(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="outbox-send")
        return self._pool

    def _fetch_pending(self) -> int:
        media = inbound_media.pending_media(engine=self.engine)
        for item in media:
            self._fetch(item)
        return len(media)

    def _send(self, job: claims.OutboundJob) -> Accepted | None:
        """One message's provider calls. A refusal or a retry is recorded here; an acceptance is
        returned for the caller to record with others (None: nothing more to record). A
        scheduled message is checked again first (scheduled.py): it may wait or fail instead;
        one whose phone opted out since it was queued (the claim says so) fails unsent."""
        if job.scheduled and not scheduled.release(
            message_id=job.message_id, lease_token=job.lease_token, engine=self.engine
        ):
            return None
        budget = self._fresh_budget(job)
        if job.reconcile_first:  # an earlier attempt may have reached the provider
            if budget is None and (budget := self._hold(job)) is None:
                return None
            try:
                found = self._already_at_provider(job, budget)
            except UndecidedLookupError as undecided:  # asking again would not tell either
                SENDS.labels("unconfirmed", "").inc()
                claims.mark_unconfirmed(
                    message_id=job.message_id,
                    lease_token=job.lease_token,
                    reason=undecided.message,
                    engine=self.engine,
                )
                return None
            except SmsError as problem:
                # Whether it has a copy is unknown: never send blind, look again later.
                self._retry(job, problem, uncertain=True)
                return None
            if found is not None:
                return _answer(job, found)
            budget = None  # the lookup used the claim's time: renew before the create
        if job.stopped:  # the phone opted out since it was queued: never to the provider
            claims.mark_stopped(job=job, engine=self.engine)
            return None
        if budget is None and (budget := self._hold(job)) is None:
            return None
        try:
            accepted = self.gateway.send(
                OutboundSms(
                    to=job.to,
                    from_=job.from_,
                    body=job.body,
                    media_urls=tuple(self.media_url(i, name) for i, name in job.media),
                    status_callback=self.status_callback_url,
                    messaging_service_sid=job.messaging_service_sid,
                ),
                timeout=budget,
            )
        except PermanentSmsError as refused:
            SENDS.labels("failed", error_label(refused.code)).inc()
            claims.mark_failed(
                message_id=job.message_id,
                lease_token=job.lease_token,
                code=refused.code,
                reason=failure_text(refused.code) if refused.code else refused.message,
                opted_out=isinstance(refused, OptedOutError),
                engine=self.engine,
            )
        except (RetryableSmsError, UncertainSmsError) as problem:
            uncertain = isinstance(problem, UncertainSmsError)
            SENDS.labels("uncertain" if uncertain else "retry", error_label(problem.code)).inc()
            self._retry(job, problem, uncertain=uncertain)
        else:
            SENDS.labels("accepted", "").inc()
            return _answer(job, accepted)
        return None

    def _fresh_budget(self, job: claims.OutboundJob) -> float | None:
        """The seconds a first call may take under the claim's own lease, while at least half of
        it is left (no renewal needed: nobody may claim before it ends); else None."""
        spent = timedelta(seconds=time.monotonic() - job.claimed_at)
        return call_budget(self.lease, spent=spent) if spent < self.lease / 2 else None

    def _hold(self, job: claims.OutboundJob) -> float | None:
        """Renews the lease before a provider call: the seconds the call may take, or None when
        another dispatcher has claimed the message (then this one must not touch it)."""
        started = time.monotonic()
        if not claims.renew_lease(
            message_id=job.message_id,
            lease_token=job.lease_token,
            lease=self.lease,
            engine=self.engine,
        ):
            return None
        return call_budget(self.lease, spent=timedelta(seconds=time.monotonic() - started))

    def _retry(self, job: claims.OutboundJob, problem: SmsError, *, uncertain: bool) -> None:
        retry_after = problem.retry_after if isinstance(problem, RetryableSmsError) else None
        delay = retry_delay(job.attempts, retry_after=retry_after, jitter=random.random())
        if isinstance(problem, UncertainSmsError) and (
            problem.http_status is None or problem.http_status in _NOT_THE_PROVIDERS_ANSWER
        ):
            # No answer: the provider may still be storing the create; a lookup before it has
            # finished would find nothing and send a second copy.
            delay = max(delay, self.settle)
        claims.mark_retry(
            message_id=job.message_id,
            lease_token=job.lease_token,
            delay=delay,
            uncertain=uncertain,
            reason=retry_text(problem.code, attempt=job.attempts + 1, said=problem.message),
            engine=self.engine,
        )

    def _already_at_provider(
        self, job: claims.OutboundJob, budget: float
    ) -> ProviderMessage | None:
        """After an uncertain attempt: the provider's copy of this message, if it has one."""
        sent = Sent(body=job.body, num_media=len(job.media), created_at=job.created_at)
        # Through a Messaging Service the sender is Twilio's choice: look at every sender's.
        sender = None if job.messaging_service_sid else job.from_
        listed = self.gateway.list_messages(
            to=job.to, from_=sender, created_after=sent.cutoff, timeout=budget
        )
        candidates = [m for m in listed if could_be_ours(m, sent)]
        taken = claims.sids_in_use([m.sid for m in candidates], engine=self.engine)
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

    def wake(self, source: str = "local") -> None:
        """Look for work now (called after a commit that queued some); thread-safe."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._woken, source)

    def _woken(self, source: str) -> None:
        self.wakeups[source] += 1
        for wake in (self._wake, self._media_wake):
            if wake is not None:
                wake.set()

    def _on_event(self, event: events.Event) -> None:
        if isinstance(event, events.OutboxChanged):
            self.wake()

    async def run_forever(self) -> None:
        """The app's lifespan task: runs until cancelled."""
        self._loop = asyncio.get_running_loop()
        self._wake, self._media_wake = asyncio.Event(), asyncio.Event()
        unsubscribe = events.subscribe(self._on_event)
        self._answers, self._answered = [], asyncio.Event()
        helpers = [
            asyncio.create_task(self._fetch_forever()),
            asyncio.create_task(self._record_forever()),
            asyncio.create_task(self._settle_forever()),
        ]
        if self.listener is not None:
            helpers.append(asyncio.create_task(self.listener.run(self.wake)))
        try:
            await self._send_forever()
        finally:
            unsubscribe()
            for helper in helpers:
                helper.cancel()
            await asyncio.gather(*helpers, return_exceptions=True)
            if self._pool is not None:
                self._pool.shutdown(wait=False, cancel_futures=True)
                self._pool = None

    async def _send_forever(self) -> None:
        assert self._loop is not None and self._wake is not None
        in_flight: set[asyncio.Future[Accepted | None]] = set()
        refill = max(1, self.concurrency // 2)  # claim in batches, not one row per free slot
        while True:
            self._wake.clear()  # a wake-up during the claim makes the next wait return at once
            free = self.concurrency - len(in_flight)
            try:
                jobs = await asyncio.to_thread(
                    claims.claim_due, limit=free, lease=self.lease, engine=self.engine
                )
            except Exception:  # the loop must survive a DB hiccup
                log.exception("outbox claim failed")
                jobs = []
            for job in jobs:
                sending = self._loop.run_in_executor(self._threads(), self._send_safely, job)
                sending.add_done_callback(self._collect)
                in_flight.add(sending)
            if jobs and len(jobs) == free:  # probably more due: claim as slots free up
                while in_flight and self.concurrency - len(in_flight) < refill:
                    _, in_flight = await asyncio.wait(
                        in_flight, return_when=asyncio.FIRST_COMPLETED
                    )
                continue
            in_flight = await self._idle(in_flight)

    async def _idle(
        self, in_flight: set[asyncio.Future[Accepted | None]]
    ) -> set[asyncio.Future[Accepted | None]]:
        """Waits for a wake-up, a send to finish (it may have scheduled a retry), the next
        scheduled retry, or the fallback poll; returns the sends still in flight."""
        assert self._wake is not None
        timeout = self.poll_seconds
        with contextlib.suppress(Exception):
            due = await asyncio.to_thread(claims.next_due_in, engine=self.engine)
            if due is not None:
                timeout = min(timeout, due)
        woken: asyncio.Future[Any] = asyncio.ensure_future(self._wake.wait())
        waiting: set[asyncio.Future[Any]] = {woken, *in_flight}
        self.idle.set()
        try:
            done, _ = await asyncio.wait(
                waiting, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            self.idle.clear()
            woken.cancel()
        if not done:
            self.wakeups["poll"] += 1
        return {f for f in in_flight if not f.done()}

    def _send_safely(self, job: claims.OutboundJob) -> Accepted | None:
        try:
            return self._send(job)
        except Exception:  # its lease runs out and a later claim looks it up first
            log.exception("outbox send of message %s failed", job.message_id)
            return None

    def _collect(self, sending: asyncio.Future[Accepted | None]) -> None:
        if sending.cancelled() or sending.exception() is not None:
            return
        if (answer := sending.result()) is not None:
            self._answers.append(answer)
            self._answered.set()

    async def _record_forever(self) -> None:
        """Records acceptances as they come: all that arrived while the last write ran go in
        the next one (group commit). A write that fails leaves them in flight, so a later claim
        looks them up at the provider instead of sending again."""
        while True:
            await self._answered.wait()
            self._answered.clear()
            answers, self._answers = self._answers, []
            try:
                await asyncio.to_thread(self._record, answers)
            except Exception:
                log.exception("recording %d accepted messages failed", len(answers))

    async def _settle_forever(self) -> None:
        """Asks about unsettled messages a few times per `status_check_after` (every 2.5 min
        by default), and at once after a start: callbacks lost while it was down are due."""
        every = min(max(self.status_check_after.total_seconds() / 4, 1.0), 150.0)
        while True:
            try:
                while await asyncio.to_thread(self.settle_once) == SETTLE_BATCH:
                    pass  # more are due
            except Exception:
                log.exception("status check pass failed")
            await asyncio.sleep(every)

    async def _fetch_forever(self) -> None:
        assert self._media_wake is not None
        while True:
            self._media_wake.clear()
            try:
                await asyncio.to_thread(self._fetch_pending)
            except Exception:
                log.exception("inbound media pass failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._media_wake.wait(), timeout=self.poll_seconds)
