"""The benchmarks' browserless tab (benchmarks/wsclient.py) still speaks the workspace's
websocket protocol: it signs in, opens a conversation and receives a live push, as a page does.
If Reflex or the pages change what a tab must send, this fails before a benchmark lies."""

from __future__ import annotations

import asyncio
import secrets
import threading
from typing import Any

import httpx

from benchmarks import wsclient
from tests.support.servers import WorkspaceServer

WAIT_S = 20  # a bound on a wait, not a speed figure


async def _sign_in_open_and_receive(workspace: WorkspaceServer) -> dict[str, Any]:
    body = f"wsclient check {secrets.token_hex(4)}"
    async with wsclient.http_session() as http:
        tab = wsclient.AgentTab(workspace.url, http, timeout=WAIT_S)
        try:
            await tab.sign_in("alice", "alice-demo-pass")  # IMS0001001 is hers
            signed_in_path = tab.path
            await tab.open("/interactions/1")
            in_conversation = tab.expect(f'"body":"{body}"')
            in_list = tab.expect(f'"preview":"{body}')
            async with httpx.AsyncClient() as client:
                answer = await client.post(
                    f"{workspace.simulator_url}/_sim/inbound",
                    json={"from": "+14155550123", "to": "+14155550100", "body": body},
                    timeout=WAIT_S,
                )
                answer.raise_for_status()
            done, _ = await asyncio.wait({in_conversation, in_list}, timeout=WAIT_S)
            return {
                "signed_in_path": signed_in_path,
                "token": tab.session_token,
                "conversation": in_conversation in done,
                "list": in_list in done,
                "failure": tab.failure,
            }
        finally:
            await tab.close()


def _in_own_thread(workspace: WorkspaceServer) -> dict[str, Any]:
    """Playwright's sync fixtures leave a loop in the main thread: run ours on another."""
    result: dict[str, Any] = {}
    errors: list[BaseException] = []

    def target() -> None:
        try:
            result.update(asyncio.run(_sign_in_open_and_receive(workspace)))
        except BaseException as error:
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if errors:
        raise errors[0]
    return result


def test_a_browserless_tab_signs_in_opens_a_conversation_and_gets_its_pushes(
    workspace: WorkspaceServer,
) -> None:
    seen = _in_own_thread(workspace)
    assert seen["signed_in_path"] == "/", "sign-in should redirect the tab to the workspace"
    assert seen["token"], "the sign-in session token should reach the tab's local storage"
    assert seen["failure"] is None
    assert seen["conversation"], "the inbound text should be pushed to the open conversation"
    assert seen["list"], "the tab's list should re-read itself and show the new preview"
