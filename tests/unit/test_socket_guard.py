"""Which tokens a socket may name: a browser tab's own (a version-4 UUID), nothing else."""

from __future__ import annotations

import pytest

from agent_workspace.services.accounts.live_views import COPY_PREFIX
from agent_workspace.web.socket_guard import is_client_token, named_token

TAB = "0f8fad5b-d9cb-469f-a165-70867728950e"


@pytest.mark.parametrize(
    ("token", "allowed"),
    [
        (TAB, True),
        ("9b2e4c1a-7d3f-4e8b-a6c5-2f1d0e9b8a7c", True),  # another uuid4
        (TAB.upper(), False),  # the browser writes lowercase hex
        ("0f8fad5b-d9cb-169f-a165-70867728950e", False),  # not version 4
        ("3c1dcb95-de2b-455f-d678-628895a54e38", True),  # as Chromium's tab made it
        ("0f8fad5b-d9cb-469f-7165-70867728950e", False),  # no variant digit below 8
        (TAB + "\n", False),
        (f" {TAB}", False),
        ("ix1s59", False),  # a live feed's copy as it was once named
        ("boards59", False),
        ("agent3s59", False),
        ("board", False),
        (COPY_PREFIX + "0" * 40, False),  # as it is named now
        ("", False),
    ],
)
def test_only_a_browser_tabs_token_is_one(token: str, allowed: bool) -> None:
    assert is_client_token(token) is allowed


@pytest.mark.parametrize(
    ("query", "token"),
    [
        (f"token={TAB}&EIO=4&transport=websocket".encode(), TAB),
        (b"EIO=4&transport=websocket", None),
        (f"token={TAB}&token={TAB}".encode(), None),  # which one Reflex takes is its business
        (b"token=ix1s59&EIO=4", None),
        (b"token=ix1s59%00", None),
    ],
)
def test_a_connect_url_names_one_tab_or_none(query: bytes, token: str | None) -> None:
    assert named_token(query) == token
