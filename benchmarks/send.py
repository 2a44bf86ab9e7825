"""Send clicked -> the create request arrives at the provider (the built-in simulator).

Starts the production workspace (tests/support/servers.py: prepare + serve, its simulator in its own
process) with the outbox poll at 60 s, so only the commit's wake-up can make the dispatcher send
in time. One Chromium page signs in as bob, opens Maria Garcia (his first send joins IMS0001001)
and, per sample, composes a unique
text, pauses 0.4 s (the composer's preview event finishes, as it has by the time a person
reaches the button) and clicks Send. A capturing click listener stores Date.now() at the
click; the simulator stores time.time() when each create request arrives (`arrived_at`); both
are this machine's wall clock. Baseline: one create sent straight through the twilio SDK
(TwilioGateway.send) from this process, time.time() before the call -> its arrival.

Usage: .venv/bin/python -m benchmarks.send [--quick]
"""

from __future__ import annotations

import argparse
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from agent_workspace.config import PROJECT_ROOT, Settings
from agent_workspace.sms import TwilioGateway
from agent_workspace.sms.gateway import OutboundSms
from benchmarks.figures import Figure, median, percentile
from tests.e2e.pages import compose, messages, open_interaction_of, sign_in
from tests.support.servers import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    TEST_OPT_INS,
    TEST_SECRET,
    WorkspaceServer,
)

PROVIDER = "+14155550100"
PHONE = "+14155550123"
TARGET_P99_MS = 100.0
PAUSE_MS = 400  # between typing and clicking Send
CLICK_CLOCK = """
() => document.addEventListener('click', (event) => {
  const button = event.target.closest('button');
  if (button && button.textContent.trim() === 'Send') window.__clickedAt = Date.now();
}, {capture: true})
"""


def _say(text: str) -> None:
    print(f"[send] {text}", file=sys.stderr, flush=True)


def _arrival(simulator_url: str, body: str, timeout: float = 15.0) -> float:
    """Wall-clock ms at which the simulator received the create carrying `body`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for m in httpx.get(f"{simulator_url}/_sim/messages", timeout=10).json()["messages"]:
            if m["body"] == body and m["direction"] == "outbound-api" and m["arrived_at"]:
                return float(m["arrived_at"]) * 1000
        time.sleep(0.05)
    raise RuntimeError(f"the simulator never received {body!r}")


def _ensure_chromium() -> None:
    """A fresh clone may not have Debian's chromium yet: the bootstrap's function installs it."""
    if not Path(CHROMIUM).exists():
        script = PROJECT_ROOT / "scripts" / "bootstrap.sh"
        subprocess.run(["bash", "-c", f"source {script} && ensure_chromium"], check=True)


def _ui_samples(page: Page, simulator_url: str, count: int) -> list[float]:
    samples = []
    for n in range(count + 1):  # the first one warms up
        body = f"bench send {n} {secrets.token_hex(4)}"
        compose(page, body=body, from_number=PROVIDER)
        # Typing sends a preview event ("Send will: ..."); events of one tab run in order, so
        # let it finish, as it has by the time a person moves to the button.
        expect(page.get_by_role("status").filter(has_text="Send will")).to_be_visible()
        page.wait_for_timeout(PAUSE_MS)
        page.get_by_role("region", name="Compose SMS").get_by_role("button", name="Send").click()
        arrived = _arrival(simulator_url, body)
        clicked = float(page.evaluate("() => window.__clickedAt"))
        expect(messages(page).get_by_text(body)).to_be_visible()
        if n:
            samples.append(arrived - clicked)
        _say(f"send {n}: {arrived - clicked:.1f} ms")
    return samples


def _sdk_samples(server: WorkspaceServer, count: int) -> list[float]:
    settings = Settings(
        environment="test",
        secret_key=TEST_SECRET,
        simulator=TEST_OPT_INS["AW_SIMULATOR"] == "true",
        allow_insecure_public_url=True,
        simulator_port=server.simulator_port,
    )
    account = settings.provider_account()
    gateway = TwilioGateway(
        account.account_sid, account.auth_token, api_base_url=account.api_base_url
    )
    samples = []
    for n in range(count + 1):
        body = f"bench sdk {n} {secrets.token_hex(4)}"
        started = time.time() * 1000
        gateway.send(
            OutboundSms(
                to=PHONE,
                from_=PROVIDER,
                body=body,
                media_urls=(),
                status_callback=f"{server.url}/api/twilio/status",
            )
        )
        if n:
            samples.append(_arrival(server.simulator_url, body) - started)
    return samples


def run(quick: bool = False) -> list[Figure]:
    count = 5 if quick else 40
    _ensure_chromium()
    with tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
        server = WorkspaceServer(Path(tmp), extra_env={"AW_OUTBOX_POLL_SECONDS": "60"})
        _say("starting the workspace (production build)")
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
                )
                try:
                    page = browser.new_context().new_page()
                    page.set_default_timeout(15_000)
                    sign_in(page, server, "bob", "bob-demo-pass")
                    page.get_by_role("heading", name="My Interactions").wait_for()
                    # Bob's phone interaction about Maria: his first send joins IMS0001001.
                    open_interaction_of(page, "Maria Garcia")
                    page.evaluate(CLICK_CLOCK)
                    ui = _ui_samples(page, server.simulator_url, count)
                finally:
                    browser.close()
            sdk = _sdk_samples(server, count)
        finally:
            server.stop()
    p99 = percentile(ui, 99)
    _say(f"UI p50 {median(ui):.1f} ms p99 {p99:.1f} ms; SDK p50 {median(sdk):.1f} ms")
    note = f"{count} sends, one page, outbox poll 60 s (only the commit's wake-up sends)"
    return [
        Figure(
            group="send",
            name="Send clicked -> create at simulator, p50",
            value=median(ui),
            unit="ms",
            baseline=median(sdk),
            baseline_name="direct SDK create -> arrival, p50",
            note=note,
        ),
        Figure(
            group="send",
            name="Send clicked -> create at simulator, p99",
            value=p99,
            unit="ms",
            baseline=percentile(sdk, 99),
            baseline_name="direct SDK create -> arrival, p99",
            target=f"<= {TARGET_P99_MS:.0f} ms",
            met=p99 <= TARGET_P99_MS,
            note=note,
        ),
    ]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    for figure in run(quick=parser.parse_args().quick):
        print(figure)
