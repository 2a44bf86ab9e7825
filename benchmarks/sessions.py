"""Sessions: what one connected agent tab costs the app, and how many tabs one app holds.

Each tab is a benchmarks/wsclient.py tab signed in over the websocket as its own bench agent and
showing its own My Interactions list (`/`), as an agent does between conversations: its list
and notice feeds are linked, it answers pings, it re-reads its list when its feed moves.
- memory: RSS of the app's processes (the workspace's process session less the simulator)
  before any bench tab and after N, divided by N (target <= 1 MiB per session);
- capacity: tabs are added in steps (100, 200, 500, 1000); at each step alice's Chromium tab
  times webhook -> screen as benchmarks.push does. A step holds while p99 <= 250 ms and no
  request failed (a sign-in, a hydrate, a dropped socket, a webhook); the figure is the
  largest step before the first that did not hold (target >= 500), the way Mattermost reports
  its ceiling. The p99 with no bench tabs is measured first, as each step's baseline; the ramp
  goes on past a miss (for the memory and latency curve) until p99 passes 1 s or a tab fails.

Usage: .venv/bin/python -m benchmarks.all --only sessions [--quick]
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
from benchmarks.figures import Figure, percentile
from tests.support.servers import CHROMIUM, CHROMIUM_FLAGS

STEPS = (100, 200, 500, 1000)
QUICK_STEPS = (10, 20)
P99_LIMIT_MS = 250.0
MEMORY_TARGET_MIB = 1.0
GIVE_UP_MS = 1000.0  # past this p99 the ramp stops (the ceiling is long behind)
SETTLE_S = 3.0  # after connecting, before reading RSS: the last hydrates' work is done


async def _latencies(
    screen: harness.Screen, hooks: harness.Webhooks, rounds: int, label: str
) -> tuple[list[float], int]:
    samples, missed = [], 0
    for n in range(rounds + 2):  # two warm-ups
        body = f"cap {label} {n} {secrets.token_hex(4)}"
        await screen.arm(body)
        request = await hooks.prepare(body)
        t0 = time.time() * 1000
        await hooks.send(request)
        shown = await screen.shown_at()
        if n >= 2:
            if shown is None:
                missed += 1
            else:
                samples.append(shown - t0)
        await asyncio.sleep(0.1)
    return samples, missed


async def _bench(quick: bool) -> list[Figure]:
    steps = QUICK_STEPS if quick else STEPS
    rounds = 20 if quick else 100
    harness.ensure_chromium()
    figures: list[Figure] = []
    with (
        tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp,
        harness.seeded_workspace(Path(tmp), max(steps), join_live_group=False) as bench,
    ):
        server = bench.server
        pids = harness.app_processes(server)
        async with (
            async_playwright() as playwright,
            wsclient.http_session() as ws_http,
        ):
            browser = await playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
            )
            tabs: list[wsclient.AgentTab] = []
            hooks = harness.Webhooks(bench)
            try:
                screen = await harness.Screen.open(browser, server)
                await _latencies(screen, hooks, 3, "settle")
                zero, _ = await _latencies(screen, hooks, rounds, "0")
                zero_p99 = percentile(zero, 99)
                harness.log(f"no bench tabs: webhook -> screen p99 {zero_p99:.0f} ms")
                await asyncio.sleep(SETTLE_S)
                rss_before = harness.rss_mib(pids)
                harness.log(f"app RSS before bench tabs: {rss_before:.0f} MiB ({len(pids)} procs)")
                held, reason, passed = 0, "", []
                sign_ins = harness.bench_sign_ins(max(steps))
                for step in steps:
                    started = time.perf_counter()
                    try:
                        tabs += await wsclient.open_tabs(
                            server.url, ws_http, sign_ins[len(tabs) : step], "/"
                        )
                    except (wsclient.SessionFailed, OSError, TimeoutError) as failed:
                        reason = reason or f"connecting {step} tabs failed: {failed}"
                        break
                    harness.log(f"{step} tabs open ({time.perf_counter() - started:.0f} s)")
                    await asyncio.sleep(SETTLE_S)
                    rss = harness.rss_mib(pids)
                    per_tab = (rss - rss_before) / step
                    harness.log(f"app RSS {rss:.0f} MiB: {per_tab * 1024:.0f} KiB per tab")
                    figures.append(_memory(step, per_tab, rss_before))
                    frames_before = sum(t.frames for t in tabs)
                    try:
                        samples, missed = await _latencies(screen, hooks, rounds, str(step))
                    except (RuntimeError, OSError, asyncio.IncompleteReadError) as failed:
                        reason = reason or f"webhook failed at {step} tabs: {failed}"
                        break
                    p99 = percentile(samples, 99)
                    broken = [t.failure for t in tabs if t.failure]
                    idle_frames = sum(t.frames for t in tabs) - frames_before
                    harness.log(
                        f"{step} tabs: webhook -> screen p99 {p99:.0f} ms; the bench tabs got "
                        f"{idle_frames} frames during its {rounds + 2} webhooks"
                    )
                    figures.append(_step_figure(step, samples, missed, zero_p99, idle_frames))
                    if not (missed or p99 > P99_LIMIT_MS or broken):
                        passed.append(step)
                    if missed or p99 > P99_LIMIT_MS or broken:
                        reason = reason or (
                            f"first miss at {step}: p99 {p99:.0f} ms, missed {missed}, "
                            f"tab failures {len(broken)} {broken[:2]}"
                        )
                    elif not reason:
                        held = step
                    if broken or missed or p99 > GIVE_UP_MS:
                        break  # well past the ceiling: more tabs would only take longer
            finally:
                await wsclient.close_tabs(tabs)
                await hooks.close()
                await browser.close()
    target = 500 if not quick else max(QUICK_STEPS)
    figures.append(
        Figure(
            "capacity",
            "connected agent tabs held (p99 <= 250 ms, no failure)",
            held,
            "sessions",
            target=f">= {target}",
            met=held >= target,
            note=(reason or f"every step held, up to {max(steps)}: the ceiling is higher")
            + f"; steps that held: {passed or 'none'}; p99 with no bench tabs {zero_p99:.0f} ms",
        )
    )
    return figures


def _step_figure(
    step: int, samples: list[float], missed: int, zero_p99: float, idle_frames: int
) -> Figure:
    p99 = percentile(samples, 99)
    return Figure(
        "capacity",
        f"webhook -> screen p99, {step} tabs connected",
        p99,
        "ms",
        baseline=zero_p99,
        baseline_name="no bench tabs, same run",
        target=f"<= {P99_LIMIT_MS:g} ms",
        met=p99 <= P99_LIMIT_MS and not missed,
        note=f"n={len(samples)}, missed={missed}, p50 {percentile(samples, 50):.1f} ms, "
        f"frames to the bench tabs meanwhile {idle_frames}",
    )


def _memory(step: int, per_tab_mib: float, before: float) -> Figure:
    return Figure(
        "memory",
        f"app RSS per connected tab, {step} tabs",
        per_tab_mib,
        "MiB",
        target=f"<= {MEMORY_TARGET_MIB:g} MiB",
        met=per_tab_mib <= MEMORY_TARGET_MIB,
        note=f"RSS before bench tabs {before:.0f} MiB",
    )


def run(quick: bool) -> list[Figure]:
    return asyncio.run(_bench(quick))


if __name__ == "__main__":
    for figure in run("--quick" in sys.argv):
        print(figure)
