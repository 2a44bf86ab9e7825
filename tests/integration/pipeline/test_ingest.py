"""Inbound webhooks are accepted with one row and routed just after, in order per phone, once.

The webhook is posted over HTTP to the API with a real signature; routing is driven by the test
(`route_pending`, or the app's InboundRouter task), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from unittest import mock

import httpx
import pytest
from sqlmodel import col, select

from agent_workspace.db.engine import transaction
from agent_workspace.domain.webhooks import InboundText
from agent_workspace.models import AcceptedWebhook, AuditEvent, Message, ProviderNumber, utcnow
from agent_workspace.services.inbound import route as router_module
from agent_workspace.services.inbound.accept import accept_inbound
from agent_workspace.services.inbound.route import (
    PER_PHONE,
    InboundRouter,
    route_pending,
    route_phones,
)
from agent_workspace.sms import compute_signature
from tests.integration.pipeline.conftest import (
    CONSUMER_PHONE,
    Pipeline,
    count,
    end_other_connections,
)
from tests.support.factories import SUPPORT_NUMBER
from tests.support.waiting import Doorbell

INBOUND = "/api/twilio/inbound"


def _params(
    pipeline: Pipeline, n: int, *, phone: str = CONSUMER_PHONE, to: str = SUPPORT_NUMBER
) -> dict[str, str]:
    return pipeline.inbound_form(n, f"text {n} from {phone}", From=phone, To=to)


def _accept(pipeline: Pipeline, params: dict[str, str]) -> httpx.Response:
    """The webhook as Twilio posts it; nothing routes it (the router is not running)."""
    return pipeline.post_webhook(INBOUND, params, route=False)


def _accepted() -> list[AcceptedWebhook]:
    with transaction() as session:
        return list(session.exec(select(AcceptedWebhook).order_by(col(AcceptedWebhook.id))).all())


def _message_ids_by_sid() -> dict[str, int]:
    with transaction() as session:
        rows = session.exec(select(Message.provider_sid, Message.id)).all()
        return {sid: mid for sid, mid in rows if sid is not None and mid is not None}


def test_an_accepted_webhook_is_stored_and_answered_before_it_is_routed(
    pipeline: Pipeline,
) -> None:
    params = _params(pipeline, 1)
    answer = _accept(pipeline, params)
    assert answer.status_code == 200
    assert "<Response/>" in answer.text
    (row,) = _accepted()
    assert (row.sid, row.from_number, row.settled_at, row.message_id) == (
        params["MessageSid"],
        CONSUMER_PHONE,
        None,
        None,
    )
    assert row.fields == params  # every posted field is kept: nothing the provider said is lost
    assert count(Message) == 0

    assert route_pending() == 1
    (row,) = _accepted()
    assert row.settled_at is not None and row.error is None
    assert _message_ids_by_sid() == {params["MessageSid"]: row.message_id}


def test_a_retried_webhook_is_answered_and_stored_once(pipeline: Pipeline) -> None:
    params = _params(pipeline, 2)
    first, again = _accept(pipeline, params), _accept(pipeline, params)
    assert (first.status_code, again.status_code) == (200, 200)
    assert len(_accepted()) == 1
    assert route_pending() == 1
    late = _accept(pipeline, params)  # a retry after routing takes the same cheap path
    assert late.status_code == 200
    assert route_pending() == 0
    assert (len(_accepted()), count(Message)) == (1, 1)
    assert count(AuditEvent, col(AuditEvent.action) == "message.received") == 1


def test_texts_from_one_phone_are_routed_in_arrival_order_under_concurrency(
    pipeline: Pipeline,
) -> None:
    """Webhooks of three phones arrive from eight connections while two routers run."""
    phones = ("+12015550161", "+12015550162", "+12015550163")
    webhooks = [_params(pipeline, 100 + i, phone=phones[i % 3]) for i in range(36)]
    accepting = threading.Event()

    def keep_routing() -> int:
        routed = 0
        while accepting.is_set():
            routed += route_pending()
        return routed + route_pending()

    accepting.set()
    with ThreadPoolExecutor(max_workers=10) as pool:
        routers = [pool.submit(keep_routing) for _ in range(2)]
        answers = list(pool.map(lambda p: _accept(pipeline, p).status_code, webhooks))
        accepting.clear()
        routed = sum(r.result() for r in routers)
    assert answers == [200] * len(webhooks)
    assert routed + route_pending() == len(webhooks)
    message_of = _message_ids_by_sid()
    for phone in phones:
        # Arrival order is the order the rows were accepted in; messages follow it.
        arrived = [row.sid for row in _accepted() if row.from_number == phone]
        assert len(arrived) == 12
        assert [message_of[sid] for sid in arrived] == sorted(message_of[sid] for sid in arrived)


def test_two_routers_route_each_accepted_webhook_once(pipeline: Pipeline) -> None:
    phones = [f"+120155501{70 + i}" for i in range(5)]
    for i in range(30):
        assert _accept(pipeline, _params(pipeline, 200 + i, phone=phones[i % 5])).status_code == 200
    start = threading.Barrier(2)

    def router() -> int:
        start.wait()
        return route_pending()

    with ThreadPoolExecutor(max_workers=2) as pool:
        routed = [f.result() for f in [pool.submit(router), pool.submit(router)]]
    # A row routed by both would be counted by both: the sum is exactly one per webhook.
    assert sum(routed) == 30
    rows = _accepted()
    assert all(row.settled_at is not None and row.message_id is not None for row in rows)
    assert len({row.message_id for row in rows}) == 30
    assert count(Message) == 30
    assert count(AuditEvent, col(AuditEvent.action) == "message.received") == 30


def _run_router(
    until: Callable[[], bool], *, sweep_seconds: float, before: Callable[[], object]
) -> bool:
    """Runs the app's router task until `until()` holds, checked after each of its passes
    (bounded), calling `before` once its first pass is over."""

    first_pass = threading.Event()
    passed = Doorbell()

    async def main() -> bool:
        loop = asyncio.get_running_loop()

        def telling(route: Callable[..., int]) -> Callable[..., int]:
            def route_and_tell(*args: Any, **kwargs: Any) -> int:
                try:
                    return route(*args, **kwargs)
                finally:
                    first_pass.set()
                    loop.call_soon_threadsafe(passed.ring)

            return route_and_tell

        with (
            mock.patch.object(router_module, "route_pending", telling(route_pending)),
            mock.patch.object(router_module, "route_phones", telling(route_phones)),
        ):
            task = asyncio.create_task(InboundRouter(sweep_seconds=sweep_seconds).run_forever())
            try:
                # Its first pass (the start-up recovery) is over before `before` accepts anything.
                assert await asyncio.to_thread(first_pass.wait, 10), "the router never made a pass"
                await asyncio.to_thread(before)
                return bool(await passed.until(until, timeout=10, what="the router's passes"))
            finally:
                task.cancel()

    return asyncio.run(main())


def test_what_a_crash_left_accepted_is_routed_when_the_router_starts(pipeline: Pipeline) -> None:
    """Accepted, then the process died before routing: the next start routes it."""
    for i in range(3):
        assert _accept(pipeline, _params(pipeline, 300 + i)).status_code == 200
    assert count(Message) == 0
    # The sweep is far away: only the start-up pass can route these.
    assert _run_router(lambda: count(Message) == 3, sweep_seconds=3600, before=lambda: None)
    assert all(row.settled_at is not None for row in _accepted())


def test_the_router_routes_a_webhook_just_after_it_is_accepted(pipeline: Pipeline) -> None:
    """Woken by the accept in this process, not by its sweep."""
    params = _params(pipeline, 400)
    routed = _run_router(
        lambda: params["MessageSid"] in _message_ids_by_sid(),
        sweep_seconds=3600,
        before=lambda: _accept(pipeline, params).raise_for_status(),
    )
    assert routed


def test_routing_the_woken_phones_leaves_the_others_for_the_sweep(pipeline: Pipeline) -> None:
    """The router's usual pass: only the phones this process accepted texts from."""
    other = "+12015550181"
    for params in (_params(pipeline, 410), _params(pipeline, 411, phone=other)):
        assert _accept(pipeline, params).status_code == 200
    assert route_phones([(_channel_id(), CONSUMER_PHONE)]) == 1
    assert [row.from_number for row in _accepted() if row.settled_at is None] == [other]
    assert route_pending() == 1


def test_a_woken_phone_with_more_than_its_turn_pending_is_drained(pipeline: Pipeline) -> None:
    webhooks = [_params(pipeline, 420 + i) for i in range(PER_PHONE + 3)]
    for params in webhooks:
        assert _accept(pipeline, params).status_code == 200
    assert route_phones([(_channel_id(), CONSUMER_PHONE)]) == len(webhooks)
    message_of = _message_ids_by_sid()
    assert [message_of[p["MessageSid"]] for p in webhooks] == sorted(message_of.values())


def test_a_steady_stream_of_webhooks_does_not_hold_off_the_sweep(pipeline: Pipeline) -> None:
    """A row another worker accepted and never routed (it died) is routed by the sweep while
    this process's own texts wake the router far more often than the sweep is due."""
    orphan = _params(pipeline, 430, phone="+12015550182")
    stop = threading.Event()
    ran_out = threading.Event()

    def stream() -> None:
        """Texts every 20 ms until the test has what it waits for (bounded by the router's wait)."""
        for i in range(2000):
            if stop.wait(0.02):
                return
            _accept(pipeline, _params(pipeline, 431 + i)).raise_for_status()
        ran_out.set()

    def orphan_then_stream() -> None:
        """After the router's start-up sweep, so only a later sweep can route the orphan."""
        with transaction() as session:
            session.add(
                AcceptedWebhook(
                    sid=orphan["MessageSid"],
                    channel_id=_channel_id(),
                    from_number=orphan["From"],
                    fields=orphan,
                    accepted_at=utcnow(),
                    attempts=0,
                )
            )
        streamer.start()

    def orphan_and_stream_routed() -> bool:
        routed = _message_ids_by_sid()
        return orphan["MessageSid"] in routed and len(routed) > 1

    streamer = threading.Thread(target=stream)
    try:
        routed = _run_router(orphan_and_stream_routed, sweep_seconds=0.5, before=orphan_then_stream)
    finally:
        stop.set()
        streamer.join()
    assert routed  # the orphan by the sweep, streamed texts by their wake-ups ...
    assert not ran_out.is_set()  # ... while the stream still went on


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # a server's case
def test_a_webhook_whose_database_connection_was_dropped_is_still_stored(
    pipeline: Pipeline,
) -> None:
    """PostgreSQL ended the accept's pooled connection (a restart, an idle timeout): the
    webhook is stored on a fresh one and answered 200, not lost to a 500."""
    assert _accept(pipeline, _params(pipeline, 440)).status_code == 200  # the pool has one now
    ended = end_other_connections(pipeline.engine)  # the pools' too
    assert ended >= 1
    params = _params(pipeline, 441)
    assert _accept(pipeline, params).status_code == 200
    assert params["MessageSid"] in {row.sid for row in _accepted()}


def test_unknown_to_number_is_404_and_nothing_is_stored(pipeline: Pipeline) -> None:
    answer = _accept(pipeline, _params(pipeline, 500, to="+14155559999"))
    assert answer.status_code == 404
    assert "+14155559999 is not a provider number" in answer.text
    assert (_accepted(), count(Message)) == ([], 0)


def test_bad_signature_is_403_and_nothing_is_stored(pipeline: Pipeline) -> None:
    params = _params(pipeline, 600)
    forged = compute_signature("not-the-token", pipeline.base_url + INBOUND, params)
    answer = pipeline.post_webhook(INBOUND, params, signature=forged, route=False)
    assert answer.status_code == 403
    assert (_accepted(), count(Message)) == ([], 0)


def test_a_row_that_cannot_be_routed_is_kept_and_does_not_hold_up_the_phone(
    pipeline: Pipeline,
) -> None:
    """Accepted for a number that stopped being ours before routing: kept with its reason."""
    channel_id = _channel_id()
    fields = _params(pipeline, 700, to="+14155559998")
    lost = InboundText(sid=fields["MessageSid"], from_=CONSUMER_PHONE, to=fields["To"], body="x")
    assert accept_inbound(sms=lost, channel_id=channel_id, fields=fields)
    assert _accept(pipeline, _params(pipeline, 701)).status_code == 200
    assert route_pending() == 1
    failed, routed = _accepted()
    assert failed.settled_at is not None and failed.message_id is None
    assert failed.error == "+14155559998 is not a provider number of any channel."
    assert routed.message_id is not None
    assert count(Message) == 1


def _channel_id() -> int:
    with transaction() as session:
        number = session.exec(select(ProviderNumber)).first()
        assert number is not None
        return number.channel_id
