"""When the router gives way to accepts: during a stream, never for a webhook that comes alone."""

from agent_workspace.services.inbound.accept import QUIET, must_wait

NOW = 100.0


def test_an_accept_in_flight_always_goes_first() -> None:
    assert must_wait(NOW, in_flight=1, last_accept=NOW - 60, last_idle=60)


def test_a_webhook_that_came_alone_is_routed_at_once() -> None:
    assert not must_wait(NOW, in_flight=0, last_accept=NOW - 0.0001, last_idle=30.0)


def test_in_a_stream_routing_waits_for_a_quiet_gap() -> None:
    assert must_wait(NOW, in_flight=0, last_accept=NOW - QUIET / 2, last_idle=QUIET / 4)


def test_a_stream_that_paused_for_the_gap_is_routed() -> None:
    assert not must_wait(NOW, in_flight=0, last_accept=NOW - QUIET * 1.5, last_idle=QUIET / 4)


def test_back_to_back_accepts_slower_than_the_gap_are_still_a_stream() -> None:
    # each accept took 12 ms (PostgreSQL under load) and the next began 0.2 ms after the last
    assert must_wait(NOW, in_flight=0, last_accept=NOW - 0.0001, last_idle=0.0002)


def test_no_accept_yet_waits_for_nothing() -> None:
    assert not must_wait(NOW, in_flight=0, last_accept=-1e9, last_idle=1e9)
