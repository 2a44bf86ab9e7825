"""Prints how long a webhook takes to reach the screens of the agents who have the interaction open.

Starts the production workspace with its built-in Twilio simulator (tests/servers.py), signs in
N Chromium pages (separate browser contexts) on the same messaging interaction (IMS0001001, Maria
Garcia), then per round asks the simulator to post a real signed inbound webhook with a unique body
and measures, in every page, when that body first appears in the Messages list. Each page carries
a MutationObserver that stores Date.now() at first sight; Python takes its t0 from time.time() just
before the POST, so both ends read the same machine's wall clock. Pages are reused as N grows, so
exactly N pages are linked while N is measured.

Last, it sends from one page (Compose SMS, Send) and times the click until the bubble shows and
until its Delivered badge shows; that second number is dominated by the simulator's status delays.

Usage: .venv/bin/python -m benchmarks.live_push [--pages 1 5 10] [--rounds 20] [--sends 5]
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.e2e.pages import compose, sign_in
from tests.servers import CHROMIUM, CHROMIUM_FLAGS, WorkspaceServer

USERS = ("alice", "bob", "sam")
INTERACTION = "IMS0001001"
PHONE = "+14155550123"  # Maria Garcia
PROVIDER = "+14155550100"
WAIT_MS = 15_000  # bound on every browser wait
SEND_WAIT_MS = 20_000  # bound on waiting for Delivered

# Stores when the armed text first shows in the Messages list (and, in delivered mode, when that
# message's Delivery status badge first reads Delivered). Date.now() is the wall clock Python reads.
OBSERVER = """
() => {
  if (window.__aw) return;
  const state = {target: null, withDelivery: false, shown: null, delivered: null};
  const check = () => {
    if (state.target === null || (state.shown !== null && !state.withDelivery)) return;
    if (state.delivered !== null) return;
    const list = document.querySelector('[role="list"][aria-label="Messages"]');
    if (!list || !list.textContent.includes(state.target)) return;
    const now = Date.now();
    if (state.shown === null) state.shown = now;
    if (!state.withDelivery) return;
    for (const item of list.querySelectorAll('[role="listitem"]')) {
      if (!item.textContent.includes(state.target)) continue;
      for (const badge of item.querySelectorAll('[aria-label="Delivery status"]')) {
        if (badge.textContent.trim() === 'Delivered') state.delivered = now;
      }
    }
  };
  new MutationObserver(check).observe(
    document.body, {childList: true, subtree: true, characterData: true});
  window.__aw = {
    arm(target, withDelivery) {
      Object.assign(state, {target, withDelivery, shown: null, delivered: null});
      check();
    },
    result() { return {shown: state.shown, delivered: state.delivered}; },
  };
}
"""


def _stats(label: str, samples: list[float], missed: int = 0) -> None:
    if not samples:
        print(f"{label:<44} no samples (missed={missed})")
        return
    ordered = sorted(samples)
    p95 = ordered[max(int(len(ordered) * 0.95) - 1, 0)]
    extra = f"  missed={missed}" if missed else ""
    print(
        f"{label:<44} n={len(samples):<6} p50={statistics.median(samples):8.1f} ms  "
        f"p95={p95:8.1f} ms  max={ordered[-1]:8.1f} ms{extra}"
    )


def _open_page(browser: Browser, server: WorkspaceServer, user: str, url: str | None) -> Page:
    """Signs `user` in, in a fresh context, opens IMS0001001 (by its link, or `url`), arms it."""
    page = browser.new_context().new_page()
    page.set_default_timeout(WAIT_MS)
    sign_in(page, server, user, f"{user}-demo-pass")
    page.get_by_role("heading", name="My Interactions").wait_for()
    if url is None:
        page.get_by_role("link", name=INTERACTION).first.click()
    else:
        page.goto(url)
    page.get_by_role("heading", name="Conversation").wait_for()
    page.get_by_role("list", name="Messages").get_by_text("charged twice").wait_for()
    page.evaluate(OBSERVER)
    return page


def _seen(page: Page, key: str, timeout_ms: int) -> float | None:
    try:
        page.wait_for_function(f"() => window.__aw.result().{key} !== null", timeout=timeout_ms)
    except PlaywrightTimeoutError:
        return None
    value = page.evaluate("() => window.__aw.result()")[key]
    return float(value)


def inbound_round(pages: list[Page], simulator_url: str, body: str) -> tuple[list[float], float]:
    """One webhook; returns per-page latencies (ms, missing pages left out) and the POST's time."""
    for page in pages:
        page.evaluate("([t]) => window.__aw.arm(t, false)", [body])
    t0_wall = time.time() * 1000
    t0 = time.perf_counter()
    answer = httpx.post(
        f"{simulator_url}/_sim/inbound",
        json={"from": PHONE, "to": PROVIDER, "body": body},
        timeout=WAIT_MS / 1000,
    )
    post_ms = (time.perf_counter() - t0) * 1000
    answer.raise_for_status()
    latencies = []
    for page in pages:
        seen = _seen(page, "shown", WAIT_MS)
        if seen is not None:
            latencies.append(seen - t0_wall)
    return latencies, post_ms


def bench_inbound(pages: list[Page], simulator_url: str, rounds: int) -> None:
    n = len(pages)
    inbound_round(pages, simulator_url, f"warm-up {n} {secrets.token_hex(4)}")
    last, first, posts, missed = [], [], [], 0
    for r in range(rounds):
        body = f"bench {n} pages round {r} {secrets.token_hex(4)}"
        latencies, post_ms = inbound_round(pages, simulator_url, body)
        posts.append(post_ms)
        missed += n - len(latencies)
        if len(latencies) == n:
            last.append(max(latencies))
        if latencies:
            first.append(min(latencies))
        time.sleep(0.1)  # let the agent-list push of this round finish before the next webhook
    _stats(f"webhook -> last of {n} pages shows it", last, missed)
    _stats(f"webhook -> first of {n} pages shows it", first)
    _stats(f"  (POST /_sim/inbound round trip, {n} pages)", posts)


def bench_outbound(page: Page, sends: int, n_linked: int) -> None:
    shown, delivered, missed = [], [], 0
    for i in range(sends):
        body = f"bench outbound {i} {secrets.token_hex(4)}"
        compose(page, body=body, from_number=PROVIDER)
        send = page.get_by_role("button", name="Send")
        page.evaluate("([t]) => window.__aw.arm(t, true)", [body])
        t0_wall = time.time() * 1000
        send.click()
        at_delivered = _seen(page, "delivered", SEND_WAIT_MS)
        result = page.evaluate("() => window.__aw.result()")
        if result["shown"] is not None:
            shown.append(float(result["shown"]) - t0_wall)
        if at_delivered is None:
            missed += 1
        else:
            delivered.append(at_delivered - t0_wall)
    _stats(f"click Send -> bubble shown ({n_linked} pages linked)", shown)
    _stats("click Send -> 'Delivered' (incl. sim delays)", delivered, missed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--sends", type=int, default=5, help="outbound sends timed to Delivered")
    args = parser.parse_args()
    counts = sorted(set(args.pages))
    with tempfile.TemporaryDirectory() as tmp:
        server = WorkspaceServer(Path(tmp))
        try:
            started = time.perf_counter()
            server.start()
            print(f"workspace started in {time.perf_counter() - started:.1f} s at {server.url}")
            sim = httpx.post(f"{server.simulator_url}/_sim/settings", json={}, timeout=5).json()
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
                )
                try:
                    pages: list[Page] = []
                    url: str | None = None
                    for n in counts:
                        while len(pages) < n:
                            user = USERS[len(pages) % len(USERS)]
                            pages.append(_open_page(browser, server, user, url))
                            url = pages[0].url
                        bench_inbound(pages, server.simulator_url, args.rounds)
                    if args.sends:
                        delays = ", ".join(f"{d:g}" for d in sim["status_delays"])
                        print(
                            f"simulator status delays (sending, sent, delivered): {delays} s; "
                            f"outbox poll {server.env['AW_OUTBOX_POLL_SECONDS']} s"
                        )
                        bench_outbound(pages[0], args.sends, len(pages))
                finally:
                    browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
