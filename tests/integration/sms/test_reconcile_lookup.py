"""`TwilioGateway.list_messages` (the lookup before any re-send) and capped call times, against
the simulator over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from agent_workspace.sms import (
    OutboundSms,
    RetryableSmsError,
    TwilioGateway,
    UncertainSmsError,
    UndecidedLookupError,
)
from agent_workspace.sms.simulator import SimulatorServer
from tests.integration.sms.conftest import ACCOUNT_SID, AUTH_TOKEN, PHONE, PROVIDER, sim_messages


def _keep_queued(simulator: SimulatorServer) -> None:
    httpx.post(
        f"{simulator.url}/_sim/settings", json={"status_delays": [30, 0.02, 0.02]}
    ).raise_for_status()


def _gateway(simulator: SimulatorServer, **options: Any) -> TwilioGateway:
    return TwilioGateway(ACCOUNT_SID, AUTH_TOKEN, api_base_url=simulator.url, **options)


def test_the_lookup_finds_a_message_the_provider_still_queues(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    _keep_queued(simulator)
    before = datetime.now(UTC) - timedelta(seconds=1)
    created = gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="in the queue"))

    (found,) = gateway.list_messages(to=PHONE, from_=PROVIDER, created_after=before)
    assert (found.sid, found.status, found.date_sent) == (created.sid, "queued", None)
    assert (found.direction, found.body, found.num_media) == ("outbound-api", "in the queue", 0)


def test_the_lookup_pages_back_through_everything_recent(simulator: SimulatorServer) -> None:
    _keep_queued(simulator)
    gateway = _gateway(simulator, list_page_size=2)
    before = datetime.now(UTC) - timedelta(seconds=1)
    sids = [gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body=f"m{i}")).sid for i in range(5)]
    found = gateway.list_messages(to=PHONE, from_=PROVIDER, created_after=before)
    assert [m.sid for m in found] == sids[::-1]


def test_the_lookup_stops_at_a_message_sent_before_the_cutoff(simulator: SimulatorServer) -> None:
    """Older sent messages are not read: the first one sent before the cutoff ends the look."""
    gateway = _gateway(simulator, list_page_size=1, list_max_pages=2)
    old = [gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body=f"old {i}")) for i in range(3)]
    for _ in range(500):  # until all three are sent (they then have a DateSent)
        if all(m["status"] == "delivered" for m in sim_messages(simulator)):
            break
    _keep_queued(simulator)
    cutoff = datetime.now(UTC) + timedelta(seconds=1)
    new = gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="new"))
    found = gateway.list_messages(to=PHONE, from_=PROVIDER, created_after=cutoff)
    assert [m.sid for m in found] == [new.sid], "read one page past the new one, then stopped"
    assert len(old) == 3


def test_the_lookup_gives_up_rather_than_guess_when_there_is_too_much(
    simulator: SimulatorServer,
) -> None:
    _keep_queued(simulator)
    gateway = _gateway(simulator, list_page_size=1, list_max_pages=2)
    before = datetime.now(UTC) - timedelta(seconds=1)
    for i in range(3):
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body=f"m{i}"))
    with pytest.raises(UndecidedLookupError, match="Not confirmed: there were more than 2 recent"):
        gateway.list_messages(to=PHONE, from_=PROVIDER, created_after=before)


def test_the_lookup_needs_an_aware_time(gateway: TwilioGateway) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        gateway.list_messages(to=PHONE, from_=PROVIDER, created_after=datetime(2026, 1, 1))


def test_a_send_gives_up_within_its_timeout_however_long_the_gateway_would_wait(
    simulator: SimulatorServer,
) -> None:
    patient = TwilioGateway(ACCOUNT_SID, AUTH_TOKEN, api_base_url=simulator.url, timeout=30)
    httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "hang", "delay": 3}).raise_for_status()
    with pytest.raises(UncertainSmsError):
        patient.send(OutboundSms(to=PHONE, from_=PROVIDER, body="slow"), timeout=0.5)
    # Without a cap the same gateway waits for the answer.
    httpx.post(f"{simulator.url}/_sim/faults", json={"kind": "hang", "delay": 1}).raise_for_status()
    assert patient.send(OutboundSms(to=PHONE, from_=PROVIDER, body="slow")).status == "queued"


def test_a_send_with_no_time_left_is_not_attempted(
    gateway: TwilioGateway, simulator: SimulatorServer
) -> None:
    with pytest.raises(RetryableSmsError):
        gateway.send(OutboundSms(to=PHONE, from_=PROVIDER, body="too late"), timeout=0)
    assert httpx.get(f"{simulator.url}/_sim/messages").json()["messages"] == []
