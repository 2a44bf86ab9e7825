"""The notifier merges bursts into one push per page and keeps going past a failed piece."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from agent_workspace.models import Role
from agent_workspace.services import events
from agent_workspace.services.accounts import auth
from agent_workspace.services.channels import numbers
from agent_workspace.services.messaging.sending import SendRequest, send_sms
from agent_workspace.state.channel_feed import CHANNEL_LINK, ChannelFeed
from agent_workspace.state.live import AgentListFeed, ConversationFeed, SupervisorBoardFeed
from agent_workspace.web.notifier import Noted, Notifier
from tests.factories import SUPPORT_NUMBER, make_channel, make_consumer, make_user


@dataclass
class FakeFeed:
    """A shared feed as the notifier sees it: linked tabs and the sessions they opened it with."""

    cls: type
    linked_from: set[str] = field(default_factory=set)
    viewers: dict[str, str] = field(default_factory=dict)


@dataclass
class FakeApp:
    """Records which page state got which value, instead of reaching browsers."""

    shown: list[tuple[str, str, Any]] = field(default_factory=list)
    feeds: dict[str, FakeFeed] = field(default_factory=dict)

    @contextlib.asynccontextmanager
    async def modify_state(self, token: Any) -> AsyncIterator[Any]:
        app = self
        fake = self.feeds.setdefault(token.ident, FakeFeed(token.cls))

        class Root:
            async def get_state(self, cls: type) -> Any:
                class Feed:
                    _linked_from = fake.linked_from
                    _viewers = fake.viewers
                    _may_view = staticmethod(cls._may_view)  # type: ignore[attr-defined]

                    def _show(self, value: Any) -> None:
                        app.shown.append((token.ident, cls.__name__, value))

                    def __setattr__(self, name: str, value: Any) -> None:
                        setattr(fake, name.removeprefix("_"), value)

                return Feed()

        yield Root()


def _run(notifier: Notifier, burst: Sequence[Noted]) -> None:
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
    burst = [events.InteractionChanged(sent.interaction_id, frozenset({alice.user_id}))] * 5
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


def test_only_tabs_with_a_valid_session_allowed_to_see_a_feed_stay_linked(engine: Engine) -> None:
    make_channel()
    make_consumer("Dana", "+14155550123")
    alice = make_user("alice")
    make_user("sam", roles=(Role.AGENT, Role.SUPERVISOR))
    sent = send_sms(actor=alice, request=SendRequest(SUPPORT_NUMBER, "+14155550123", "Hi"))
    alice_token, _ = auth.sign_in(username="alice", password="alice-password")
    sam_token, _ = auth.sign_in(username="sam", password="sam-password")
    gone, _ = auth.sign_in(username="alice", password="alice-password")
    auth.sign_out(gone)
    tabs = {
        "alice-tab": auth.token_hash(alice_token),
        "sam-tab": auth.token_hash(sam_token),
        "signed-out-tab": auth.token_hash(gone),
    }
    app = FakeApp()
    for ident in (f"ix{sent.interaction_id}", "board", f"agent{alice.user_id}"):
        app.feeds[ident] = FakeFeed(object, {*tabs, "tab-without-session"}, dict(tabs))
    _run(
        Notifier(app),
        [events.InteractionChanged(sent.interaction_id, frozenset({alice.user_id}))],
    )
    assert app.feeds[f"ix{sent.interaction_id}"].linked_from == {"alice-tab", "sam-tab"}
    assert app.feeds["board"].linked_from == {"sam-tab"}
    assert app.feeds[f"agent{alice.user_id}"].linked_from == {"alice-tab"}
    assert set(app.feeds["board"].viewers) == {"sam-tab"}


def test_a_number_added_by_an_admin_is_pushed_to_composers_with_its_label(engine: Engine) -> None:
    make_channel()
    ada = make_user("ada", roles=(Role.ADMIN,))
    added = numbers.add_number(actor=ada, number="+14155550142", label="Support line")
    app = FakeApp()
    _run(Notifier(app), [events.ChannelChanged()])
    [(ident, cls, shown)] = app.shown
    assert (ident, cls) == (CHANNEL_LINK, ChannelFeed.__name__)
    assert [n.e164 for n in shown][-1] == added.e164
    assert shown[-1].shown == "Support line (+1 415-555-0142)"
