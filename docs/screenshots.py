"""Makes the README's screenshots (docs/*.png) from the running production app.

Starts the workspace the way the e2e tests do (production build, built-in simulator, demo data),
drives Chromium through the main screens as the demo users, and saves one PNG per screen.

Usage: .venv/bin/python docs/screenshots.py   (after ./scripts/test has installed Chromium once)
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.pages import messages, row_of, sign_in_as_agent  # noqa: E402
from tests.support.servers import CHROMIUM, CHROMIUM_FLAGS, WorkspaceServer  # noqa: E402

DOCS = ROOT / "docs"
WIDE = {"width": 1440, "height": 900}


def _page(browser: Browser, viewport: dict[str, int] = WIDE) -> Page:
    return browser.new_context(viewport=viewport, timezone_id="America/New_York").new_page()  # type: ignore[arg-type]


def _save(page: Page, name: str) -> None:
    page.wait_for_timeout(400)  # let toasts and transitions settle
    path = DOCS / f"{name}.png"
    page.screenshot(path=path)
    print(f"saved {path.relative_to(ROOT)}")


def workspace(browser: Browser, server: WorkspaceServer) -> None:
    page = _page(browser)
    sign_in_as_agent(page, server, "alice")
    httpx.post(
        f"{server.simulator_url}/_sim/inbound",
        json={"from": "+14155550123", "to": "+14155550100", "body": "Is my refund on its way?"},
        timeout=10,
    ).raise_for_status()
    row = row_of(page, "Maria Garcia").filter(has_text="Is my refund on its way?")
    expect(row).to_be_visible(timeout=15_000)
    row.click()
    expect(messages(page)).to_contain_text("Is my refund on its way?")
    _save(page, "workspace")
    page.get_by_role("button", name="Canned replies").click()
    _save(page, "canned-replies")
    page.keyboard.press("Escape")
    page.get_by_role("radio", name="Internal note").click()
    page.get_by_label("Message", exact=True).fill("Refund approved by finance, ref 5521.")
    _save(page, "internal-note")
    page.context.close()


def narrow(browser: Browser, server: WorkspaceServer) -> None:
    page = _page(browser, {"width": 390, "height": 844})
    sign_in_as_agent(page, server, "bob")
    _save(page, "narrow-list")
    page.context.close()


def supervisor(browser: Browser, server: WorkspaceServer) -> None:
    page = _page(browser)
    sign_in_as_agent(page, server, "sam")
    page.goto(f"{server.url}/supervisor")
    expect(page.get_by_role("heading", name=re.compile("Supervisor"))).to_be_visible()
    page.wait_for_timeout(800)
    _save(page, "supervisor-board")
    overview = page.get_by_role("region", name="Overview")
    expect(overview).to_contain_text("Open")
    overview.screenshot(path=DOCS / "board-overview.png")
    print("saved docs/board-overview.png")
    page.get_by_role("link", name="Reports").click()
    expect(page.get_by_role("figure", name="Conversations (whole desk)")).to_be_visible()
    _save(page, "reports")
    page.context.close()


def admin(browser: Browser, server: WorkspaceServer) -> None:
    page = _page(browser)
    page.goto(f"{server.url}/login")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Password").fill("ada-demo-pass")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name=re.compile("Administration"))).to_be_visible()
    _save(page, "admin-numbers")
    page.get_by_role("tab", name="Users and roles").click()
    page.wait_for_timeout(500)
    _save(page, "admin-users")
    page.context.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        server = WorkspaceServer(Path(tmp))
        server.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True
                )
                try:
                    for screen in (workspace, narrow, supervisor, admin):
                        screen(browser, server)
                finally:
                    browser.close()
        finally:
            server.stop()


if __name__ == "__main__":
    main()
