"""Prometheus metrics of the workspace, served at `GET /metrics` (web/metrics_route.py).

Counted where things happen, in each process: webhooks accepted and refused (by reason), sends
by outcome and error code, delivery statuses, webhook → screen push latency, event sockets open
per worker. Read from the database at each scrape: the outbox's depth and its oldest queued
message, the inbound router's backlog and lag (every worker sees the same rows).

Several Granian workers are one app: `serve` gives them a shared PROMETHEUS_MULTIPROC_DIR and
each scrape, whichever worker answers it, adds up every worker's files (prometheus-client's
multiprocess mode). Without it (tests, one process) the process's own registry is served.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client import (
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlmodel import Session

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

WEBHOOKS = Counter(
    "aw_webhooks_total",
    "Twilio webhooks by kind (inbound, status), outcome (accepted, refused) and reason.",
    ["kind", "outcome", "reason"],
)
SENDS = Counter(
    "aw_sends_total",
    "Outbox attempts to hand a message to the provider, by status (accepted, failed, retry, "
    "uncertain, unconfirmed) and the provider's error code ('' for none).",
    ["status", "error_code"],
)
DELIVERY = Counter(
    "aw_delivery_statuses_total",
    "Delivery statuses outbound messages moved to (callbacks and status checks), by status "
    "and error code.",
    ["status", "error_code"],
)
PUSH_LATENCY = Histogram(
    "aw_push_latency_seconds",
    "From an inbound webhook's acceptance to its conversation being pushed to the tabs that "
    "show it.",
    buckets=(0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
TABS = Gauge(
    "aw_connected_tabs",
    "Browser tabs connected to each worker (its event websockets open), by worker pid.",
    ["worker"],
    multiprocess_mode="livesum",
)
DEPENDENCY_UP = Gauge(
    "aw_dependency_up",
    "1 while the dependency (database, redis) answers this worker's checks, else 0.",
    ["dependency"],
    multiprocess_mode="livemin",
)
#: An accepted webhook whose conversation nobody shows is forgotten after this long.
PENDING_PUSH_SECONDS = 60.0


def worker_tabs() -> Gauge:
    """This worker's count of connected tabs (web/socket_guard.py keeps it)."""
    return TABS.labels(worker=str(os.getpid()))


async def worker_started() -> None:
    """Lifespan task: a worker without tabs yet shows 0, not nothing."""
    worker_tabs().set(0)


def error_label(code: int | None) -> str:
    return "" if code is None else str(code)


# Counted when the transaction that made the change commits, never for a rolled-back one.
_AFTER_COMMIT = "aw_metrics_after_commit"


def count_after_commit(session: Session, counter: Counter, **labels: str) -> None:
    session.info.setdefault(_AFTER_COMMIT, []).append((counter, labels))


@event.listens_for(Session, "after_commit")
def _count_committed(session: Any) -> None:
    for counter, labels in session.info.pop(_AFTER_COMMIT, []):
        counter.labels(**labels).inc()


@event.listens_for(Session, "after_rollback")
def _drop_rolled_back(session: Any) -> None:
    session.info.pop(_AFTER_COMMIT, None)


class _PushClock:
    """When each routed inbound text was accepted, until its conversation is pushed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._accepted: dict[int, list[float]] = {}  # interaction id -> epoch seconds

    def routed(self, interaction_id: int, accepted_at: datetime) -> None:
        now = time.time()
        with self._lock:
            self._forget_older_than(now - PENDING_PUSH_SECONDS)
            self._accepted.setdefault(interaction_id, []).append(accepted_at.timestamp())

    def pushed(self, interaction_ids: Iterable[int]) -> None:
        now = time.time()
        with self._lock:
            found = [t for i in interaction_ids for t in self._accepted.pop(i, [])]
        for accepted in found:
            PUSH_LATENCY.observe(max(0.0, now - accepted))

    def _forget_older_than(self, cutoff: float) -> None:
        for interaction_id in [i for i, ts in self._accepted.items() if max(ts) < cutoff]:
            del self._accepted[interaction_id]


push_clock = _PushClock()


def inbound_routed(interaction_id: int, accepted_at: datetime) -> None:
    """The router filed an inbound text (services/inbound/route.py)."""
    push_clock.routed(interaction_id, accepted_at)


def conversations_pushed(interaction_ids: Iterable[int]) -> None:
    """The notifier pushed these conversations to the tabs that show them."""
    push_clock.pushed(interaction_ids)


class _DatabaseCollector(Collector):
    """Gauges read from the database at each scrape (two small indexed queries)."""

    def collect(self) -> Iterator[Metric]:
        from agent_workspace.ops import backlog  # the database, only when scraped

        now = backlog.read()
        yield _gauge(
            "aw_outbox_depth",
            "Messages queued and not yet taken by the provider.",
            now.outbox_depth,
        )
        yield _gauge(
            "aw_outbox_oldest_age_seconds",
            "Age of the oldest message still queued for the provider (0: none).",
            now.outbox_oldest_age,
        )
        yield _gauge(
            "aw_inbound_pending",
            "Inbound webhooks accepted and not yet routed into a conversation.",
            now.inbound_pending,
        )
        yield _gauge(
            "aw_inbound_routing_lag_seconds",
            "Age of the oldest inbound webhook accepted and not yet routed (0: none).",
            now.routing_lag,
        )


def _gauge(name: str, help_text: str, value: float) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, help_text, value=value)


def render() -> bytes:
    """The exposition text of every worker (multiprocess) or this process, plus the database
    gauges. Blocking: run it off the event loop."""
    directory = os.environ.get(MULTIPROC_ENV)
    registry = CollectorRegistry()
    registry.register(_DatabaseCollector())
    if not directory:
        return generate_latest(REGISTRY) + generate_latest(registry)
    _forget_dead_workers(Path(directory))
    multiprocess.MultiProcessCollector(registry, path=directory)  # type: ignore[no-untyped-call]
    return generate_latest(registry)


def _forget_dead_workers(directory: Path) -> None:
    """A worker that died (Granian starts another) no longer counts its tabs."""
    for path in directory.glob("gauge_live*_*.db"):
        pid = int(path.stem.rsplit("_", 1)[1])
        if not _alive(pid):
            multiprocess.mark_process_dead(pid, str(directory))  # type: ignore[no-untyped-call]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
