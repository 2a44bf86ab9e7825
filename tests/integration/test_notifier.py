"""The notifier merges bursts into one push per page and keeps going past a failed piece."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.services import events
from agent_workspace.services.messaging.sending import SendRequest, send_sms
from agent_workspace.state.live import AgentListFeed, ConversationFeed, SupervisorBoardFeed
from agent_workspace.web.notifier import Notifier
from tests.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user


@dataclass
class FakeApp:
    """Records which page state got which value, instead of reaching browsers."""

    shown: list[tuple[str, str, Any]] = field(default_factory=list)

    @contextlib.asynccontextmanager
    async def modify_state(self, token: Any) -> AsyncIterator[Any]:
        app = self

        class Root:
            async def get_state(self, cls: type) -> Any:
                class Feed:
                    def _show(self, value: Any) -> None:
                        app.shown.append((token.ident, cls.__name__, value))

                return Feed()

        yield Root()


def _run(notifier: Notifier, burst: list[events.InteractionChanged]) -> None:
    async def main() -> None:
        notifier.loop, notifier._wake = asyncio.get_running_loop(), asyncio.Event()
        for event in burst:
            notifier._note(event)
        await notifier.push_pending()

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, main()).result()


def test_a_burst_for_one_interaction_becomes_one_push_per_page(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    app = FakeApp()
    burst = [events.InteractionChanged(sent.interaction_id)] * 5
    _run(Notifier(app), burst)
    kinds = [(ident, cls) for ident, cls, _ in app.shown]
    assert kinds == [
        (f"ix{sent.interaction_id}", ConversationFeed.__name__),
        ("board", SupervisorBoardFeed.__name__),
        (f"agent{alice.user_id}", AgentListFeed.__name__),
    ]


def test_an_interaction_that_cannot_be_read_does_not_stop_the_others(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    app = FakeApp()
    _run(
        Notifier(app),
        [events.InteractionChanged(999_999), events.InteractionChanged(sent.interaction_id)],
    )
    assert (f"ix{sent.interaction_id}", ConversationFeed.__name__) in [
        (ident, cls) for ident, cls, _ in app.shown
    ]
