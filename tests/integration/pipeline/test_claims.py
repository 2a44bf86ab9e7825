"""Claiming due messages: each once, in order, saying which were in flight before."""

from __future__ import annotations

from datetime import timedelta

import pytest

from agent_workspace.services.outbox import claims
from tests.integration.pipeline.conftest import CONSUMER_PHONE, Pipeline, end_other_connections


def test_a_claim_takes_the_oldest_due_messages_once_and_tells_a_retaken_one(
    pipeline: Pipeline,
) -> None:
    ids = [pipeline.send(CONSUMER_PHONE, f"claim {n}").message_id for n in range(3)]
    first = claims.claim_due(limit=2, lease=timedelta(0))  # a lease that has already run out
    assert [(j.message_id, j.attempts, j.reconcile_first) for j in first] == [
        (ids[0], 1, False),
        (ids[1], 1, False),
    ]
    assert len({j.lease_token for j in first}) == 1

    again = claims.claim_due(limit=5)
    # The two whose lease ran out come back as in flight (look before sending), with the third.
    assert [(j.message_id, j.attempts, j.reconcile_first) for j in again] == [
        (ids[0], 2, True),
        (ids[1], 2, True),
        (ids[2], 1, False),
    ]
    assert {j.lease_token for j in again}.isdisjoint({j.lease_token for j in first})
    assert [j.body for j in again] == ["claim 0", "claim 1", "claim 2"]
    assert claims.claim_due(limit=5) == []  # all leased now
    held = pipeline.message(ids[2])
    assert (held.lease_token, held.needs_reconcile) == (again[2].lease_token, True)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # a server's case
def test_a_claim_whose_database_connection_was_dropped_still_claims(pipeline: Pipeline) -> None:
    """The claim's connection is not pinged first: a connection the server ended is replaced."""
    ids = [pipeline.send(CONSUMER_PHONE, f"dropped {n}").message_id for n in range(2)]
    assert [j.message_id for j in claims.claim_due(limit=1)] == ids[:1]  # the pool has one now
    assert end_other_connections(pipeline.engine) >= 1
    assert [j.message_id for j in claims.claim_due(limit=1)] == ids[1:]
