"""Sign-in throttling counts a tab by the address Reflex gives its socket (issue 22 item 9).

Without a trusted proxy, X-Forwarded-For is the client's own word and is ignored: changing it
does not escape a pause. With `AW_TRUSTED_PROXY_HOPS=1` (one TLS proxy in front) the proxy's
X-Forwarded-For is the address: a guesser pauses only their own, the owner signs in from theirs.
Driven by the browserless tab (benchmarks/wsclient.py), which can send the header a proxy adds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import aiohttp
import pytest

from agent_workspace.domain.throttle import ACCOUNT_FROM_ADDRESS
from agent_workspace.services.accounts.auth import SIGN_IN_REFUSED
from benchmarks import wsclient
from tests.integration.state.test_access_checks import run  # on its own loop and thread
from tests.support.servers import WorkspaceServer

WAIT_S = 30  # a bound on a wait, not a speed figure


async def _try(url: str, username: str, password: str, forwarded_for: str) -> bool:
    """One sign-in from a fresh tab whose requests carry X-Forwarded-For: whether it got in."""
    headers = {"X-Forwarded-For": forwarded_for}
    async with aiohttp.ClientSession(headers=headers) as http:
        tab = wsclient.AgentTab(url, http, timeout=WAIT_S)
        try:
            await tab.connect("/login")
            refused = tab.expect(SIGN_IN_REFUSED[:40])
            let_in = tab.expect('"_redirect"')
            await tab.submit_sign_in(username, password)
            done, _ = await asyncio.wait(
                {refused, let_in}, timeout=WAIT_S, return_when=asyncio.FIRST_COMPLETED
            )
            assert done, f"no answer to the sign-in ({tab.failure})"
            return let_in in done
        finally:
            await tab.close()


def test_without_a_trusted_proxy_a_forged_forwarded_for_escapes_nothing(
    workspace: WorkspaceServer,
) -> None:
    workspace.cli(
        *("create-user", "tess", "--name", "Tess", "--role", "agent_workspace_user"),
        "--password-stdin",
        stdin="tess-throttle-phrase\n",
    )
    for n in range(ACCOUNT_FROM_ADDRESS.failures):
        assert not run(_try(workspace.url, "tess", "a-wrong-guess", f"198.51.100.{n + 1}"))
    assert not run(_try(workspace.url, "tess", "tess-throttle-phrase", "192.0.2.200"))
    workspace.cli("deactivate-user", "tess")  # leave the shared workspace as it was


@pytest.fixture(scope="module")
def behind_a_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorkspaceServer]:
    server = WorkspaceServer(
        Path(tmp_path_factory.mktemp("proxied")), extra_env={"AW_TRUSTED_PROXY_HOPS": "1"}
    )
    server.start()
    yield server
    server.stop()


def test_behind_a_trusted_proxy_a_guesser_pauses_only_their_own_address(
    behind_a_proxy: WorkspaceServer,
) -> None:
    url, guesser, owner = behind_a_proxy.url, "203.0.113.9", "198.51.100.7"
    for _ in range(ACCOUNT_FROM_ADDRESS.failures):
        assert not run(_try(url, "bob", "a-wrong-guess", guesser))
    assert not run(_try(url, "bob", "bob-demo-pass", guesser))
    assert run(_try(url, "bob", "bob-demo-pass", owner))
