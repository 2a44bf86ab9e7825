"""Scale-out: two Granian workers sharing state through Redis still push every update live."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis
from playwright.sync_api import Browser, expect

from tests.e2e.pages import compose, messages, open_interaction_of, sign_in_as_agent
from tests.servers import WorkspaceServer

REDIS_URL = "redis://127.0.0.1:6379/7"
REDIS_HELP = (
    "Redis is not reachable at 127.0.0.1:6379; the scale-out test needs it. Start it with: "
    "redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save '' --appendonly no"
)


@pytest.fixture(scope="module")
def scaled_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.fail(f"{REDIS_HELP} ({exc})", pytrace=False)
    server = WorkspaceServer(
        Path(tmp_path_factory.mktemp("scaled")),
        extra_env={"AW_REDIS_URL": REDIS_URL, "GRANIAN_WORKERS": "2"},
    )
    server.start()
    yield server
    server.stop()


def test_two_agents_on_different_workers_both_see_replies_and_delivery_live(
    browser: Browser, scaled_workspace: WorkspaceServer
) -> None:
    alice = browser.new_context().new_page()
    bob = browser.new_context().new_page()
    sign_in_as_agent(alice, scaled_workspace, "alice")
    sign_in_as_agent(bob, scaled_workspace, "bob")
    open_interaction_of(alice, "Maria Garcia")  # IMS0001001, Alice's live conversation
    open_interaction_of(bob, "Maria Garcia")  # Bob's phone interaction about Maria
    compose(bob, body="Bob joining from the other worker.")
    bob.get_by_role("button", name="Send").click()
    expect(bob.get_by_role("heading", name="IMS0001001")).to_be_visible()

    for page in (alice, bob):
        sent = messages(page).get_by_role("listitem").filter(has_text="other worker")
        expect(sent.get_by_label("Delivery status")).to_have_text("Delivered", timeout=15_000)

    httpx.post(
        f"{scaled_workspace.simulator_url}/_sim/inbound",
        json={"from": "+14155550123", "to": "+14155550100", "body": "Thanks to you both!"},
        timeout=10,
    ).raise_for_status()
    for page in (alice, bob):
        reply = messages(page).get_by_role("listitem").filter(has_text="Thanks to you both")
        expect(reply).to_be_visible(timeout=10_000)
