"""When the router gives way to accepts: during a stream, never for a webhook that comes alone."""

from agent_workspace.services.ingest.gate import QUIET, must_wait

NOW = 100.0


def test_an_accept_in_flight_always_goes_first() -> None:
    assert must_wait(NOW, in_flight=1, last_accept=NOW - 60, last_gap=60)


def test_a_webhook_that_came_alone_is_routed_at_once() -> None:
    assert not must_wait(NOW, in_flight=0, last_accept=NOW - 0.0001, last_gap=30.0)


def test_in_a_stream_routing_waits_for_a_quiet_gap() -> None:
    assert must_wait(NOW, in_flight=0, last_accept=NOW - QUIET / 2, last_gap=QUIET / 4)


def test_a_stream_that_paused_for_the_gap_is_routed() -> None:
    assert not must_wait(NOW, in_flight=0, last_accept=NOW - QUIET * 1.5, last_gap=QUIET / 4)


def test_no_accept_yet_waits_for_nothing() -> None:
    assert not must_wait(NOW, in_flight=0, last_accept=-1e9, last_gap=1e9)
