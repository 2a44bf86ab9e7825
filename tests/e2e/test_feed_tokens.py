"""Nobody reads a live conversation without signing in: a socket that names the server's copy
of a feed (or any token a browser would not make) is refused before it can hydrate."""

from __future__ import annotations

from tests.e2e.feed_attack import (
    Attempt,
    anonymous_read,
    close_tab,
    fresh_client_token,
    in_own_thread,
    names_an_attacker_tries,
    polling_handshake,
    secret_in_an_open_conversation,
)
from tests.support.servers import WorkspaceServer

HYDRATED = '"is_hydrated_rx_state_":true'


def attack(server: WorkspaceServer) -> tuple[str, list[str], list[Attempt], Attempt]:
    """While Alice's tab shows a consumer's card number, an anonymous client tries every name
    the server keeps her feeds under, then a token as a browser makes one (the control)."""

    async def main() -> tuple[str, list[str], list[Attempt], Attempt]:
        secret, opened = await secret_in_an_open_conversation(server)
        try:
            names = names_an_attacker_tries(server.env["AW_DATABASE_URL"])
            attempts = [await anonymous_read(server.url, name) for name in names]
            control = await anonymous_read(server.url, fresh_client_token())
        finally:
            await close_tab(opened)
        return secret, names, attempts, control

    return in_own_thread(main)


def assert_nothing_leaks(server: WorkspaceServer) -> None:
    secret, names, attempts, control = attack(server)
    assert any(name.startswith("ix1") for name in names), names  # her conversation's feed
    leaked = [a.token for a in attempts if any(secret in frame for frame in a.frames)]
    assert leaked == []
    assert {a.token: a.refused for a in attempts} == {name: 403 for name in names}
    assert {name: polling_handshake(server.url, name) for name in names} == {
        name: 403 for name in names
    }
    # The door still opens for a browser's token, which sees the sign-in page's state only.
    assert control.refused is None
    assert any(HYDRATED in frame for frame in control.frames)
    assert not any(secret in frame for frame in control.frames)
    # (Reflex itself serves only the websocket transport: a tab's polling goes on to say so.)
    assert polling_handshake(server.url, fresh_client_token()) != 403


def test_an_anonymous_socket_naming_a_feeds_token_reads_nothing(
    workspace: WorkspaceServer,
) -> None:
    assert_nothing_leaks(workspace)
