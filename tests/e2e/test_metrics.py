"""/metrics of the several-worker deployment (PostgreSQL, Redis, two workers), scraped as
Prometheus does: whichever worker answers, it counts every worker's tabs, and the webhook →
screen push latency of a text shown in an open conversation."""

from __future__ import annotations

import asyncio
import secrets
import threading
from collections.abc import Callable

import httpx
from prometheus_client.parser import text_string_to_metric_families

from benchmarks import wsclient
from tests.e2e.conftest import MARIA, METRICS_TOKEN, SUPPORT
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

WAIT_S = 30


def _scrape(workspace: WorkspaceServer) -> dict[str, list[tuple[dict[str, str], float]]]:
    answer = httpx.get(
        f"{workspace.url}/metrics",
        headers={"Authorization": f"Bearer {METRICS_TOKEN}"},
        timeout=WAIT_S,
    )
    assert answer.status_code == 200, answer.text
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(answer.text):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def _total(samples: dict[str, list[tuple[dict[str, str], float]]], name: str) -> float:
    return sum(value for _, value in samples.get(name, []))


def _with_tabs(workspace: WorkspaceServer, tabs: int, while_open: Callable[[], None]) -> None:
    """Opens `tabs` signed-in tabs on alice's IMS0001001, runs `while_open`, closes them."""
    errors: list[BaseException] = []
    ready, done = threading.Event(), threading.Event()

    async def run() -> None:
        async with wsclient.http_session() as http:
            opened = []
            try:
                for _ in range(tabs):
                    tab = wsclient.AgentTab(workspace.url, http, timeout=WAIT_S)
                    opened.append(tab)
                    await tab.sign_in("alice", "alice-demo-pass")
                    await tab.open("/interactions/1")
                ready.set()
                await asyncio.to_thread(done.wait, WAIT_S * 4)
            finally:
                for tab in opened:
                    await tab.close()

    def target() -> None:
        try:
            asyncio.run(run())
        except BaseException as error:
            errors.append(error)
            ready.set()

    thread = threading.Thread(target=target)
    thread.start()
    try:
        assert ready.wait(WAIT_S * 3) and not errors, errors
        while_open()
    finally:
        done.set()
        thread.join(WAIT_S)
    assert not errors, errors


def test_tabs_per_worker_and_push_latency_add_up_across_workers(
    pg_workspace: WorkspaceServer,
) -> None:
    before = _scrape(pg_workspace)
    workers = {labels["worker"] for labels, _ in before["aw_connected_tabs"]}
    assert len(workers) == 2, before["aw_connected_tabs"]  # one line per worker, even at 0

    def while_open() -> None:
        def counted() -> bool:
            # Any worker may answer a scrape: each answer counts both workers' tabs.
            return all(
                _total(_scrape(pg_workspace), "aw_connected_tabs")
                >= _total(before, "aw_connected_tabs") + 3
                for _ in range(4)
            )

        wait_until(counted, timeout=WAIT_S, what="three more tabs counted")
        body = f"metrics check {secrets.token_hex(4)}"
        texted = httpx.post(
            f"{pg_workspace.simulator_url}/_sim/inbound",
            json={"from": MARIA, "to": SUPPORT, "body": body},
            timeout=WAIT_S,
        )
        assert texted.json()["webhook_ok"], texted.text
        wait_until(
            lambda: (
                _total(_scrape(pg_workspace), "aw_push_latency_seconds_count")
                > _total(before, "aw_push_latency_seconds_count")
            ),
            timeout=WAIT_S,
            what="the push of the text to the open conversation to be timed",
        )

    _with_tabs(pg_workspace, 3, while_open)
    after = _scrape(pg_workspace)
    assert {labels["worker"] for labels, _ in after["aw_connected_tabs"]} == workers
    latency = after["aw_push_latency_seconds_bucket"]
    assert any(labels["le"] == "+Inf" and value >= 1 for labels, value in latency)
