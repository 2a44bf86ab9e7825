"""Fixtures for calling Reflex handlers directly, as a client would."""

from __future__ import annotations

from typing import Any

import pytest

from agent_workspace.state.session import SessionState


@pytest.fixture
def unlinked_feeds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Feeds are the tab's own substates here: linking needs a running app's state manager."""

    async def link_feed(self: Any, feed_cls: type, feed: str, actor: Any = None) -> Any:
        return await self.get_state(feed_cls)

    monkeypatch.setattr(SessionState, "_link_feed", link_feed)
