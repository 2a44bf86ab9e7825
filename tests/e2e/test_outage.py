"""Redis or the database goes away while an agent works (PostgreSQL, Redis, two workers; the
Redis server and the database are this module's own): a reconnecting banner, Send off with
the reason, the draft kept by the browser across a reload and a new sign-in, a webhook that
cannot be stored answered 503, one log line per kind of failure, and everything back by
itself. Losing Redis had left Send silently doing nothing."""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import MARIA, SUPPORT
from tests.e2e.pages import messages, open_interaction, send, sign_in_as_agent
from tests.support import databases
from tests.support.dependencies import RedisServer, set_connections
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until

WAIT_MS = 30_000
RECONNECTING = re.compile(r"^Reconnecting: ")
LOG_LINE = re.compile(r"^\S+ (WARNING|ERROR|CRITICAL) (\S+) (.{0,60})")


class Deployment:
    def __init__(self, server: WorkspaceServer, redis: RedisServer, database_url: str) -> None:
        self.server, self.redis, self.database_url = server, redis, database_url

    def restart_redis(self) -> None:
        """Redis comes back empty on the same address (no persistence: every tab's state is
        gone), as after a crash."""
        again = RedisServer()
        again.port, again.url = self.redis.port, self.redis.url
        self.redis = again.start()


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    redis = RedisServer().start()
    try:
        with databases.postgres_database() as url:
            server = WorkspaceServer(
                Path(tmp_path_factory.mktemp("outage")),
                extra_env={"AW_REDIS_URL": redis.url, "AW_DATABASE_URL": url},
                serve_args=("--workers", "2"),
            )
            server.start()
            deployment = Deployment(server, redis, url)
            try:
                yield deployment
            finally:
                server.stop()
                deployment.redis.kill()
    finally:
        redis.kill()


def _banner(page: Page):  # type: ignore[no-untyped-def]
    return page.locator("#aw-outage").get_by_role("alert")


def _composer(page: Page):  # type: ignore[no-untyped-def]
    return page.get_by_role("region", name="Compose SMS")


def _readyz(server: WorkspaceServer, status: int, text: str) -> None:
    def answered() -> bool:
        answer = httpx.get(f"{server.url}/readyz", timeout=10)
        return answer.status_code == status and text in answer.text

    wait_until(answered, timeout=20, what=f"/readyz {status} {text!r}")


def _kept_draft(page: Page) -> str:
    found: str = page.evaluate(
        "Object.keys(localStorage).filter(k => k.startsWith('aw-draft:'))"
        ".map(k => JSON.parse(localStorage.getItem(k)).text).join('|')"
    )
    return found


def _at_work(page: Page, server: WorkspaceServer) -> None:
    """Alice has IMS0001001 open, its composer ready (every on_load event done)."""
    sign_in_as_agent(page, server)
    open_interaction(page, server, 1)
    expect(_composer(page).get_by_text("Send will add the message")).to_be_visible()


def _is_paused(page: Page, reason: str) -> None:
    expect(_banner(page)).to_have_text(RECONNECTING, timeout=WAIT_MS)
    expect(_banner(page)).to_contain_text(reason)
    expect(_composer(page).get_by_role("button", name="Send")).to_be_disabled()
    expect(
        _composer(page).get_by_role("status").filter(has_text="Sending is paused")
    ).to_be_visible()


def _back_with_the_draft(page: Page, draft: str) -> None:
    """The banner goes, the page reloads itself, signs in again and gets the draft back."""
    expect(_banner(page)).to_be_hidden(timeout=WAIT_MS)
    box = _composer(page).get_by_label("Message", exact=True)
    expect(box).to_have_value(draft, timeout=WAIT_MS)
    expect(_composer(page).get_by_role("button", name="Send")).to_be_enabled()


def _sends(page: Page, draft: str) -> None:
    send(page)
    expect(messages(page).get_by_text(draft)).to_be_visible(timeout=WAIT_MS)
    expect(_composer(page).get_by_label("Message", exact=True)).to_have_value("")
    wait_until(lambda: draft not in _kept_draft(page), what="the browser to forget the draft")


def _one_line_per_kind(log: str) -> None:
    """While the dependency was away: no traceback, and each kind of warning or error at most
    once per worker (the interval is a minute; the outage is shorter)."""
    assert "Traceback" not in log
    kinds = Counter(
        (found.group(2), found.group(3))
        for line in log.splitlines()
        if (found := LOG_LINE.match(line))
    )
    assert kinds, "the outage was logged"
    assert max(kinds.values()) <= 2, kinds.most_common(3)


def test_losing_redis_pauses_send_keeps_the_draft_and_recovers_by_itself(
    deployment: Deployment, page: Page
) -> None:
    server = deployment.server
    _at_work(page, server)
    logged = len(server.log_path.read_text())
    deployment.redis.kill()
    draft = f"typed while Redis is away {secrets.token_hex(3)}"
    _composer(page).get_by_label("Message", exact=True).fill(draft)
    _is_paused(page, "lost its connection store (Redis)")
    _readyz(server, 503, "Redis does not answer")
    assert _kept_draft(page) == draft

    page.reload()  # the agent tries a reload: the page cannot load, the banner says why
    expect(_banner(page)).to_have_text(RECONNECTING, timeout=WAIT_MS)
    assert _kept_draft(page) == draft
    _one_line_per_kind(server.log_path.read_text()[logged:])

    deployment.restart_redis()
    _back_with_the_draft(page, draft)
    _readyz(server, 200, "ready")
    _sends(page, draft)


def test_losing_the_database_pauses_send_refuses_webhooks_and_recovers(
    deployment: Deployment, page: Page
) -> None:
    server = deployment.server
    _at_work(page, server)
    logged = len(server.log_path.read_text())
    set_connections(deployment.database_url, allowed=False)
    try:
        draft = f"typed while the database is away {secrets.token_hex(3)}"
        _composer(page).get_by_label("Message", exact=True).fill(draft)
        _is_paused(page, "lost its database")
        _readyz(server, 503, "the database does not answer")
        texted = httpx.post(
            f"{server.simulator_url}/_sim/inbound",
            json={"from": MARIA, "to": SUPPORT, "body": "while the database is away"},
            timeout=30,
        ).json()
        # Not kept, so not a 200: Twilio retries it, or posts it to the fallback URL.
        assert texted["webhook_ok"] is False
        assert texted["webhook_result"].endswith("answered HTTP 503")
        _one_line_per_kind(server.log_path.read_text()[logged:])
    finally:
        set_connections(deployment.database_url, allowed=True)
    _back_with_the_draft(page, draft)
    _readyz(server, 200, "ready")
    _sends(page, draft)


def test_a_draft_is_kept_across_a_new_sign_in(deployment: Deployment, page: Page) -> None:
    server = deployment.server
    sign_in_as_agent(page, server)
    open_interaction(page, server, 1)
    draft = f"before signing out {secrets.token_hex(3)}"
    _composer(page).get_by_label("Message", exact=True).fill(draft)
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in_as_agent(page, server, "bob")  # another agent: not alice's draft
    open_interaction(page, server, 1)
    expect(_composer(page).get_by_label("Message", exact=True)).to_have_value("")
    page.get_by_role("button", name="Sign out").click()
    # Signed out first (as an agent sees it): a sign-in begun before, lost the race to it.
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    sign_in_as_agent(page, server)
    open_interaction(page, server, 1)
    expect(_composer(page).get_by_label("Message", exact=True)).to_have_value(draft)
