"""Scale-out: the documented several-worker command (PostgreSQL, Redis state manager,
`serve --workers 2`) pushes every update live to tabs on either worker, and sends each message
once.

Which worker a tab's websocket or a webhook lands on is up to the kernel; with three tabs and
several webhooks, updates cross between workers in practically every run (a run where all land on
one worker would pass without showing it, never fail wrongly).
"""

from __future__ import annotations

import httpx
import redis
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import MARIA, REDIS_URL, SUPPORT
from tests.e2e.feed_attack import (
    WAIT_S,
    close_tab,
    copies_of,
    in_own_thread,
    secret_in_an_open_conversation,
)
from tests.e2e.pages import compose, messages, open_interaction_of, send, sign_in_as_agent
from tests.e2e.test_feed_tokens import assert_nothing_leaks
from tests.support.servers import WorkspaceServer
from tests.support.waiting import wait_until


def test_agents_on_either_worker_see_replies_and_delivery_live(
    browser: Browser, pg_workspace: WorkspaceServer
) -> None:
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    alice_again = browser.new_context().new_page()
    sign_in_as_agent(alice, pg_workspace, "alice")
    sign_in_as_agent(bob, pg_workspace, "bob")
    sign_in_as_agent(alice_again, pg_workspace, "alice")
    open_interaction_of(alice, "Maria Garcia")  # IMS0001001, Alice's live conversation
    open_interaction_of(alice_again, "Maria Garcia")
    open_interaction_of(bob, "Maria Garcia")  # Bob's phone interaction about Maria
    compose(bob, body="Bob joining from the other worker.")
    send(bob)
    expect(bob.get_by_role("heading", name="IMS0001001")).to_be_visible()

    tabs = (alice, bob, alice_again)
    for page in tabs:
        sent = messages(page).get_by_role("listitem").filter(has_text="other worker")
        expect(sent.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)
    creates = httpx.get(f"{pg_workspace.simulator_url}/_sim/messages", timeout=10).json()
    bodies = [m["body"] for m in creates["messages"] if m["direction"] == "outbound-api"]
    assert bodies.count("Bob joining from the other worker.") == 1

    for n in range(4):  # each webhook is served by whichever worker accepts it
        httpx.post(
            f"{pg_workspace.simulator_url}/_sim/inbound",
            json={"from": MARIA, "to": SUPPORT, "body": f"Thanks to you all, {n}!"},
            timeout=10,
        ).raise_for_status()
    for page in tabs:
        for n in range(4):
            reply = messages(page).get_by_role("listitem").filter(has_text=f"to you all, {n}!")
            expect(reply).to_be_visible(timeout=10_000)


def test_nobody_reads_a_feed_without_signing_in_on_either_worker(
    pg_workspace: WorkspaceServer,
) -> None:
    """Copies live in Redis here, shared by both workers: each worker refuses the names."""
    assert_nothing_leaks(pg_workspace)


def test_a_signed_out_sessions_copies_keep_nothing_in_redis(
    pg_workspace: WorkspaceServer,
) -> None:
    store = redis.Redis.from_url(REDIS_URL)
    database_url = pg_workspace.env["AW_DATABASE_URL"]

    def holding(copies: list[str], secret: str) -> list[bytes]:
        keys = [k for c in copies for k in store.scan_iter(match=f"{c}*")]
        return [k for k in keys if secret.encode() in bytes(store.get(k) or b"")]  # type: ignore[arg-type]

    async def main() -> tuple[str, list[str], list[bytes]]:
        secret, opened = await secret_in_an_open_conversation(pg_workspace)
        tab, _ = opened
        try:
            copies = copies_of(database_url, tab.session_token)
            before = holding(copies, secret)
            await tab.sign_out()
        finally:
            await close_tab(opened)
        return secret, copies, before

    secret, copies, before = in_own_thread(main)
    assert before  # her conversation's copy held the card number while she was signed in
    wait_until(
        lambda: not holding(copies, secret),
        timeout=WAIT_S,
        what="the notifier to empty the signed-out session's copies",
    )
