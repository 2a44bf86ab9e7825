"""Live push: how long a consumer's text takes from Twilio's webhook to the agent's screen.

One production workspace (tests/support/servers.py) with the demo data and 50 bench agents in
the live group of IMS0001001. Alice views it in Chromium; a MutationObserver stores Date.now()
when the text first shows in its Messages list, and t0 is time.time() just before the signed POST to
/api/twilio/inbound, built beforehand, is written to its socket (both read this machine's wall
clock). Measured in one run:
- alone: only alice's tab is connected;
- with 50: 50 more agents (benchmarks/wsclient.py tabs, signed in over the websocket) have the
  conversation open, so each webhook pushes to 51 copies of the conversation and makes 51 lists
  re-read themselves; fan-out is when the last of the 50 has the text in its conversation and
  in its list;
- baselines: the signed POST's own round trip (the app answers after storing, before pushing)
  and a bare Reflex event round trip (a pane switch: no database, one small delta).

Usage: .venv/bin/python -m benchmarks.all --only push [--quick]
"""

from __future__ import annotations

import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path

from playwright.async_api import async_playwright

from benchmarks import harness, wsclient
from benchmarks.figures import Figure, median, percentile
from tests.support.servers import CHROMIUM, CHROMIUM_FLAGS

GROUP = "push"
OTHERS = 50
TARGET_ALONE_P95 = 20.0
TARGET_WITH_OTHERS_P95 = 50.0
GAP_S = 0.1  # between webhooks: a round is measured alone, not queued behind the last one


class Rounds:
    """Samples of one scenario, in ms."""

    def __init__(self) -> None:
        self.screen: list[float] = []
        self.post: list[float] = []
        self.conversations: list[float] = []  # last of the other tabs to get the message
        self.lists: list[float] = []  # last of the other tabs whose list shows it
        self.missed = 0


async def _round(
    screen: harness.Screen,
    hooks: harness.Webhooks,
    tabs: list[wsclient.AgentTab],
    body: str,
    rounds: Rounds | None,
) -> None:
    await screen.arm(body)
    in_conversation = [tab.expect(f'"body":"{body}"') for tab in tabs]
    in_list = [tab.expect(f'"preview":"{body}') for tab in tabs]
    request = await hooks.prepare(body)
    t0 = time.time() * 1000
    post_ms = await hooks.send(request)
    shown = await screen.shown_at()
    arrivals = await asyncio.gather(
        *(asyncio.wait_for(f, harness.WAIT_MS / 1000) for f in in_conversation + in_list),
        return_exceptions=True,
    )
    if rounds is None:
        return
    rounds.post.append(post_ms)
    if shown is None:
        rounds.missed += 1
    else:
        rounds.screen.append(shown - t0)
    times = [a for a in arrivals if isinstance(a, float)]
    rounds.missed += len(arrivals) - len(times)
    if tabs and len(times) == len(arrivals):
        rounds.conversations.append(max(times[: len(tabs)]) - t0)
        rounds.lists.append(max(times[len(tabs) :]) - t0)


async def _measure(
    screen: harness.Screen,
    hooks: harness.Webhooks,
    tabs: list[wsclient.AgentTab],
    count: int,
    label: str,
) -> Rounds:
    for n in range(3):  # warm-up: first pushes pay for caches and lazy imports
        await _round(screen, hooks, tabs, f"warm {label} {n} {secrets.token_hex(4)}", None)
    rounds = Rounds()
    for n in range(count):
        await _round(screen, hooks, tabs, f"bench {label} {n} {secrets.token_hex(4)}", rounds)
        await asyncio.sleep(GAP_S)
        if n % 20 == 19:
            harness.log(f"{label}: {n + 1}/{count} webhooks")
    return rounds


def _latency_figures(
    rounds: Rounds, label: str, target: float, base: float, base_name: str
) -> list[Figure]:
    figures = []
    for q in (50, 95, 99):
        value = percentile(rounds.screen, q)
        is_target = q == 95
        figures.append(
            Figure(
                GROUP,
                f"webhook -> screen p{q}, {label}",
                value,
                "ms",
                baseline=base if is_target else None,
                baseline_name=base_name if is_target else "",
                target=f"<= {target:g} ms" if is_target else "",
                met=(value <= target) if is_target else None,
                note=f"n={len(rounds.screen)}, missed={rounds.missed}",
            )
        )
    return figures


async def _bench(quick: bool) -> list[Figure]:
    count = 20 if quick else 100
    others = 10 if quick else OTHERS
    harness.ensure_chromium()
    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,
        harness.seeded_workspace(Path(tmp), others, join_live_group=True) as bench,
    ):
        server = bench.server
        async with (
            async_playwright() as playwright,
            wsclient.http_session() as ws_http,
        ):
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
            )
            hooks = harness.Webhooks(bench)
            try:
                screen = await harness.Screen.open(browser, server)
                alone = await _measure(screen, hooks, [], count, "alone")
                probe = (
                    await wsclient.open_tabs(server.url, ws_http, [("bob", "bob-demo-pass")], "/")
                )[0]
                bare_event = [await probe.round_trip() for _ in range(count)]
                await probe.close()
                harness.log(f"signing in {others} agents over the websocket")
                started = time.perf_counter()
                tabs = await wsclient.open_tabs(
                    server.url,
                    ws_http,
                    harness.bench_sign_ins(others),
                    f"/interactions/{harness.INTERACTION_ID}",
                )
                harness.log(f"{others} tabs open in {time.perf_counter() - started:.1f} s")
                crowd = await _measure(screen, hooks, tabs, count, f"with {others}")
                failures = [t.failure for t in tabs if t.failure]
                await wsclient.close_tabs(tabs)
            finally:
                await hooks.close()
                await browser.close()
    post_p50 = median(alone.post)
    alone_p95 = percentile(alone.screen, 95)
    figures = [
        *_latency_figures(
            alone, "1 viewer", TARGET_ALONE_P95, percentile(alone.post, 95), "signed POST p95"
        ),
        *_latency_figures(
            crowd, f"{others} more viewers", TARGET_WITH_OTHERS_P95, alone_p95, "1 viewer p95"
        ),
        Figure(
            GROUP,
            f"fan-out: last of {others} tabs has the message p95",
            percentile(crowd.conversations, 95),
            "ms",
            baseline=percentile(crowd.screen, 95),
            baseline_name="Chromium viewer p95",
            note=f"wsclient frame arrival; p50 {median(crowd.conversations):.1f} ms",
        ),
        Figure(
            GROUP,
            f"fan-out: last of {others} lists show it p95",
            percentile(crowd.lists, 95),
            "ms",
            baseline=percentile(crowd.conversations, 95),
            baseline_name="conversation fan-out p95",
            note=f"version push, then the tab's feed_changed; p50 {median(crowd.lists):.1f} ms"
            + (f"; tab failures: {failures[:3]}" if failures else ""),
        ),
        Figure(
            GROUP,
            "signed inbound POST answered p50",
            post_p50,
            "ms",
            note=f"stores, answers TwiML; p95 {percentile(alone.post, 95):.1f} ms",
        ),
        Figure(
            GROUP,
            "bare Reflex event round trip p50",
            median(bare_event),
            "ms",
            note=f"wsclient pane switch, no DB; p95 {percentile(bare_event, 95):.1f} ms",
        ),
    ]
    return figures


def run(quick: bool) -> list[Figure]:
    return asyncio.run(_bench(quick))


if __name__ == "__main__":
    for figure in run("--quick" in sys.argv):
        print(figure)
